/**
 * Offline drafts of a first reply, per category: what the assignee usually asks or does first.
 * The agent edits and sends it (or not); nothing is sent to the requester automatically.
 */
import type { DraftInput } from './provider';

const nextSteps: Record<string, string> = {
  Access:
    'To sort out your access, please confirm the exact system or shared resource you need, and whether you need read-only or edit rights. If a manager has to approve it, let me know who that is and I will request the approval.',
  'Administrative rights':
    'Administrative rights are granted for a specific purpose and a limited time. Please tell me which software you need to install or which setting you need to change, and on which computer (its asset tag or name), so I can either do it for you or request temporary rights.',
  'HR Support':
    'I have picked up your request. So that I can check the right records, please confirm your employee number and the period this concerns. Please do not send bank details or other sensitive documents in this ticket; I will tell you how to share them securely if needed.',
  Hardware:
    'Please tell me the asset tag or model of the device, when the problem started and whether anything changed just before (an update, a move, a drop). If you have not yet, restarting the device fully (shut down, wait ten seconds, start) often clears the issue.',
  'Internal Project':
    'Thanks for the details on this project request. Could you confirm the project name, the deadline you are working to and who else should be kept informed? I will come back to you with the next steps and who will work on it.',
  Miscellaneous: 'Could you describe what you expected to happen and what happens instead, and attach a screenshot of any error message? That will help me find the cause quickly.',
  Purchase:
    'To place the order, please confirm the item (or a link to it), the quantity, the cost centre to charge and who approves the purchase. I will let you know the expected delivery date once the order is placed.',
  Storage:
    'Please tell me which drive, folder or mailbox this is about and roughly how much space you need. If files have gone missing, let me know their last known location and when you last saw them, so I can check what can be restored.',
};

const generic = 'Could you tell me when this started, whether anyone else is affected, and attach a screenshot of any error message? That will help me resolve it quickly.';

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || 'there';
}

export function draftFromTemplate(input: DraftInput): string {
  const steps = (input.category && nextSteps[input.category]) || generic;
  const signature = input.agentName ? `\n\nBest regards,\n${input.agentName}` : '';
  return `Hello ${firstName(input.requesterName)},\n\nthank you for your ticket #${input.ticketNumber} "${input.title.trim()}". I am looking into it.\n\n${steps}${signature}`;
}
