/** IT articles of the starter knowledge base: what requesters can fix themselves, and the agents' runbooks. */
import type { StarterArticle } from './types';

export const itArticles: StarterArticle[] = [
  {
    slug: 'reset-password-and-mfa',
    title: 'Reset your password or set up a new authenticator',
    category: 'Accounts & passwords',
    department: 'it',
    visibility: 'everyone',
    tags: ['password', 'mfa', 'authenticator', 'sign-in', 'new phone'],
    body: `You can change a forgotten or expired password yourself from the self-service password page, as long as your authenticator app or registered mobile number still works. If you have a new phone, move your authenticator to it before you wipe or hand back the old one; if the old phone is already gone, the service desk can reset your sign-in methods after checking who you are.

## Steps

1. Open \`https://passwords.intranet.example\` on any device, including a personal phone.
2. Choose **Forgot my password**, enter your work email address and approve the prompt in your authenticator app (or type the code sent by text message).
3. Pick a new password: at least 14 characters, not one of your last 10. A short sentence is easier to remember than a jumble of symbols.
4. Sign in again on your laptop while it is connected to the office network or the VPN, so it learns the new password. Then update it on your phone's mail app.
5. To move the authenticator to a new phone, sign in at \`https://mysignins.intranet.example\`, choose **Security info → Add sign-in method → Authenticator app**, scan the QR code with the new phone, then delete the old entry.

| Problem | What it means |
|---|---|
| "Password does not meet requirements" | Too short, or used before |
| No prompt arrives on your phone | The app needs notifications turned on, or the phone has no data |
| Codes are always rejected | The phone's clock is wrong; set it to automatic time |

## If that did not help

Open a ticket in the **Accounts & passwords** category, or call the service desk on ext. 4000 if you cannot sign in to anything. Say which step failed, the exact error message, and whether you still have your old phone. We will never ask you for your password; for a reset we confirm your identity with a video call or in person.`,
  },
  {
    slug: 'account-locked-out',
    title: 'Account locked after too many sign-in attempts',
    category: 'Accounts & passwords',
    department: 'it',
    visibility: 'everyone',
    tags: ['lockout', 'locked', 'sign-in', 'password'],
    body: `Your account locks for 15 minutes after 10 wrong passwords in a row. The usual cause is not you typing badly but an old password saved somewhere: a phone mail app, a mapped drive or a second laptop keeps trying the old one in the background and locks you out again and again, typically right after a password change or a long holiday.

## Steps

1. Wait 15 minutes without trying again; the lock lifts by itself.
2. Before signing in, turn on airplane mode on your phone and tablet so their mail apps stop retrying.
3. Sign in on your laptop with your current password. If you are not sure what it is, reset it at \`https://passwords.intranet.example\` (see the password reset article).
4. Update the password on every device that uses your work account: phone mail and Teams, tablet, a second laptop, and any saved Wi-Fi profile called **Corp-Secure**.
5. Turn the phone's network back on and check that you stay signed in for the next hour.

## If that did not help

If you are locked out again within a few minutes, something is still using the old password. Open a ticket in **Accounts & passwords** (or call ext. 4000 from a colleague's phone) and include:

- your username and the time you were last locked out;
- every device that has your work account on it;
- whether you changed your password recently.

The service desk can see which device sent the failed attempts and unlock you straight away.`,
  },
  {
    slug: 'vpn-will-not-connect',
    title: 'VPN will not connect from home',
    category: 'Network & VPN',
    department: 'it',
    visibility: 'everyone',
    tags: ['vpn', 'remote', 'home working', 'globalprotect'],
    body: `The VPN client (GlobalProtect, the globe icon next to the clock) connects your laptop to internal systems when you are away from the office. Most connection failures come from the home network, an expired password or a pending update rather than the VPN service itself, so a few checks on your side usually get you connected.

## Steps

1. Check that ordinary websites load. If they do not, fix the home internet first (restart the router).
2. Click the globe icon and note the message. **Authentication failed** usually means your password expired: change it at \`https://passwords.intranet.example\`, then try again.
3. Make sure the portal address is \`vpn.intranet.example\` under **Settings → General**.
4. Restart the laptop. A pending Windows update can block the VPN driver until you reboot.
5. If you are on a hotel, train or guest network, open a browser first and accept the network's terms page, then connect.
6. Try your phone's hotspot. If the VPN works there, your home router or provider blocks it; turn off any "VPN passthrough" or firewall setting on the router.

## If that did not help

Open a ticket in **Network & VPN** from another device or call ext. 4000. Include the exact message from the globe icon, the time you tried, the kind of network (home broadband, hotspot, hotel) and a screenshot of **Settings → Troubleshooting → Logs** if you can. If you need the VPN for urgent work today, say so: we can issue a short-lived web access link to the most common internal sites.`,
  },
  {
    slug: 'wifi-connection-problems',
    title: 'Connect to the office Wi-Fi',
    category: 'Network & VPN',
    department: 'it',
    visibility: 'everyone',
    tags: ['wifi', 'wireless', 'network', 'guest'],
    body: `The offices have three wireless networks. Company laptops join **Corp-Secure** automatically with your work account; phones and personal devices use **Corp-BYOD** after registration; visitors use **Corp-Guest** with a daily code from reception. If a company laptop sees the network but will not join, or keeps dropping off, the steps below fix most cases.

| Network | For | How to join |
|---|---|---|
| Corp-Secure | Company laptops | Automatic, no password |
| Corp-BYOD | Your own phone or tablet | Register at \`https://byod.intranet.example\` |
| Corp-Guest | Visitors | Daily code from reception |

## Steps

1. Turn Wi-Fi off and on again, or toggle airplane mode.
2. On a company laptop, choose **Forget** on Corp-Secure and join it again; do not type a password, it uses your laptop's certificate.
3. If your password changed recently, lock and unlock the laptop with the new one while plugged into a network cable, so the saved sign-in updates.
4. Move closer to an access point (the white discs on the ceiling) and check whether colleagues nearby have the same problem.
5. For a phone, register it at the BYOD page first; each person can register up to three devices.

## If that did not help

Open a ticket in **Network & VPN** with the building, floor and nearest room number, the network name, the time it dropped, and whether others are affected. If a whole area has no Wi-Fi, call ext. 4000 instead so we can treat it as an outage.`,
  },
  {
    slug: 'printer-and-scanner-problems',
    title: 'Printing, scanning and the follow-me printers',
    category: 'Devices',
    department: 'it',
    visibility: 'everyone',
    tags: ['printer', 'scanner', 'print', 'scan to email', 'toner', 'paper jam'],
    body: `All office printers are follow-me printers: you print to the single queue **FollowMe**, then tap your badge on any printer to release the job. Jobs wait for 24 hours. Scanning also starts with a badge tap and sends the file to your own email address, so most problems are either a badge that is not registered or a job sent to an old printer name.

## Steps

1. In the print dialog choose **FollowMe**. Delete any old printer names from **Settings → Printers** that point at a single machine.
2. At the printer, tap your badge on the reader. The first time, it asks you to sign in with your username and password once to link the badge.
3. Your jobs appear on the screen; choose **Print all** or pick single jobs.
4. To scan, tap your badge, choose **Scan to me**, and check your inbox (and the junk folder) a minute later. Files over 20 MB are split into several emails.
5. For paper jams, open the doors shown on the printer's screen and follow its animation. Paper and toner are in the cupboard beside each printer; facilities restock it on Mondays.

## If that did not help

Open a ticket in **Devices** and include the printer's asset number (the sticker on its front, e.g. \`PRN-HQ-3-02\`), the message on its screen, and whether the job shows in the queue. If the printer is broken for everyone, say so in the title so the service desk can put a sign on it and send an engineer.`,
  },
  {
    slug: 'set-up-work-email-on-phone',
    title: 'Add your work email and calendar to your phone',
    category: 'Email & calendar',
    department: 'it',
    visibility: 'everyone',
    tags: ['email', 'phone', 'mobile', 'outlook app', 'calendar', 'byod'],
    body: `Work email on a phone, whether the phone is your own or a company one, goes through the Outlook app. The phone's built-in mail app is blocked, because Outlook keeps work data in a protected container that can be wiped without touching your photos or personal apps. Setting it up takes about ten minutes and needs your authenticator.

## Steps

1. Install **Microsoft Outlook** from the App Store or Google Play. On Android, also install **Company Portal** when asked.
2. Open Outlook, choose **Add account**, and enter your work email address.
3. Sign in with your password and approve the authenticator prompt.
4. When Outlook asks to protect work data, accept. You may be asked to set a 6-digit PIN for the phone.
5. Turn on notifications for Outlook in the phone's settings if you want alerts.
6. Calendar and contacts come with the account. To see work meetings in the phone's own calendar, turn on **Settings → your account → Save calendars** in Outlook.

## If that did not help

If the app says **Your organisation's data cannot be accessed** the phone probably needs a software update or a screen lock. If the account adds but no mail appears after 30 minutes, open a ticket in **Email & calendar** with the phone's make and model, its operating system version, and a screenshot of the error. Never forward work email to a personal address as a workaround; that breaks the data policy.`,
  },
  {
    slug: 'shared-mailbox-and-calendar-access',
    title: 'Get access to a shared mailbox or share a calendar',
    category: 'Email & calendar',
    department: 'it',
    visibility: 'everyone',
    tags: ['shared mailbox', 'calendar', 'delegate', 'permissions', 'outlook'],
    body: `Shared mailboxes (such as \`accounts@\` or \`recruitment@\`) have an owner, usually the team lead, who decides who may read and send from them. Calendars are yours to share: you can give a colleague permission to see your free/busy time, the details of your meetings, or to manage them for you as a delegate, without involving IT.

## Steps

1. **To join a shared mailbox**, ask its owner to approve, then open a ticket in **Email & calendar** naming the mailbox and whether you need to read only or also send.
2. Once access is granted, close and reopen Outlook. The mailbox appears in the folder list within an hour, with no password of its own.
3. To send from it, click **From** in a new message and pick the shared address. If **From** is hidden, enable it under **Options → Show From**.
4. **To share your calendar**, right-click it in Outlook, choose **Sharing permissions**, add the colleague and pick a level:

| Level | They can |
|---|---|
| Can view when I'm busy | See free/busy only |
| Can view all details | See titles and locations |
| Can edit | Add and change events |
| Delegate | Edit, and receive and answer your invitations |

5. Private appointments stay hidden at every level.

## If that did not help

If the shared mailbox still does not appear after a day, or mail sent from it lands in your own Sent Items, open a ticket with the mailbox address, the owner's name and a screenshot. For calendars, tell us which level you chose and what the colleague sees instead.`,
  },
  {
    slug: 'outlook-or-teams-not-working',
    title: 'Outlook or Teams will not open, sync or sign in',
    category: 'Email & calendar',
    department: 'it',
    visibility: 'everyone',
    tags: ['outlook', 'teams', 'sync', 'crash', 'cache', 'office'],
    body: `When Outlook hangs on "Loading profile", stops receiving mail, or Teams shows a blank window or keeps asking you to sign in, the cause is almost always a stuck local cache rather than the service itself. Check the status page first, then clear the local state; nothing is lost, because your mail, chats and files live in the cloud.

## Steps

1. Look at \`https://status.intranet.example\`. If email or Teams is listed as degraded, wait for the update there.
2. Quit the app fully: right-click its icon in the system tray (next to the clock) and choose **Quit**, or end it in Task Manager.
3. Start it again. For Outlook, if it still hangs, hold **Ctrl** while clicking the icon and choose **Yes** to start in safe mode; if that works, an add-in is the culprit: disable add-ins under **File → Options → Add-ins**.
4. For Teams, clear its cache. New Teams: **Settings → Apps → Installed apps → Microsoft Teams → Advanced options → Reset**. Classic Teams: quit it, press **Win+R**, open \`%appdata%\\Microsoft\\Teams\` and delete everything in that folder. Then start Teams again.
5. If Outlook's search misses recent mail, wait an hour after a restart; the index rebuilds itself.
6. Check for Office updates under **File → Office Account → Update Options → Update Now**.

## If that did not help

Open a ticket in **Email & calendar** with the app and version (**File → Office Account**), the exact error text or a screenshot, when it started and whether Outlook on the web (\`https://outlook.office.com\`) works. If the web version works, you can keep working there while we look at the laptop.`,
  },
  {
    slug: 'laptop-slow-or-disk-full',
    title: 'Laptop running slowly or out of disk space',
    category: 'Devices',
    department: 'it',
    visibility: 'everyone',
    tags: ['slow', 'performance', 'disk space', 'onedrive', 'storage', 'sync'],
    body: `A laptop that crawls is usually short of memory (too many browser tabs and apps at once), short of disk space, or waiting for an update that needs a restart. Your Documents and Desktop folders are synced to OneDrive, so you can free space by letting OneDrive keep files online only, without deleting anything.

## Steps

1. Restart the laptop (Start → Power → **Restart**, not just closing the lid). Many slow laptops have not restarted in weeks.
2. Open Task Manager (**Ctrl+Shift+Esc**) and sort by **Memory**. Close apps you are not using; a browser with 60 tabs can use more memory than everything else together.
3. Check free space in File Explorer under **This PC**. Under 10 GB free slows everything down.
4. To free space, right-click the OneDrive cloud icon → **Settings → Sync and back up → Files On-Demand**, then right-click large folders and choose **Free up space**. They stay visible and download again when opened.
5. Empty the Recycle Bin and clear the Downloads folder of old installers.
6. If OneDrive shows a red cross or "sync paused", click the icon and follow its message; common causes are a file name with \`:\` or \`?\` in it, or a path longer than 400 characters.

## If that did not help

Open a ticket in **Devices** with the laptop's asset tag (the sticker underneath, e.g. \`LT-2041\`), how much free disk space it shows, what you were doing when it slowed down, and a screenshot of Task Manager. Laptops older than four years are due a replacement; we will tell you if yours is.`,
  },
  {
    slug: 'request-software-or-admin-rights',
    title: 'Install software or ask for administrator rights',
    category: 'Software',
    department: 'it',
    visibility: 'everyone',
    tags: ['software', 'install', 'licence', 'admin rights', 'company portal'],
    body: `Approved software installs itself from **Company Portal** in a few minutes, with no ticket and no administrator rights. Anything not listed there needs a request, because it has to be checked for security and licensing first. Permanent administrator rights are rare; for developers and a few technical roles we grant time-limited elevation instead.

## Steps

1. Open **Company Portal** from the Start menu and search for the application. If it is there, click **Install** and wait.
2. If it is not listed, open a ticket in **Software** using the *Software request* form. Give the product name, the version, the vendor's website, what you need it for and who else in your team uses it.
3. Paid software needs a cost centre and your manager's approval; the ticket asks your manager automatically.
4. For **administrator rights**, explain the task that needs them (for example, installing drivers for lab equipment) and for how long. Your manager approves, then IT security reviews.
5. Once approved, elevation works through **Make Me Admin** in the system tray: it grants rights for 60 minutes at a time and records what was done.

| Request | Typical time |
|---|---|
| Listed in Company Portal | Minutes |
| Free, new product | 2–3 working days |
| Paid licence | Up to 10 working days |
| Admin rights | 3–5 working days |

## If that did not help

If a Company Portal install fails, open a ticket with the app name and the error code shown on the **Downloads and updates** page. If a request is urgent for a deadline, say what the deadline is; please do not install software from personal accounts or USB sticks in the meantime.`,
  },
  {
    slug: 'new-starter-equipment',
    title: 'Equipment and accounts for a new team member',
    category: 'Devices',
    department: 'it',
    visibility: 'everyone',
    tags: ['new starter', 'onboarding', 'laptop', 'equipment', 'joiner'],
    body: `Managers order equipment and accounts for a new colleague through a single request, ideally ten working days before the start date. The account is created once HR has entered the contract, and the laptop is prepared with the team's standard software so that it is ready on the first morning.

## Steps

1. Check that HR has confirmed the start date; IT cannot create an account before the contract is in the HR system.
2. Open a ticket from the **New starter laptop** template at least 10 working days before the start date.
3. Fill in the new colleague's name, start date, team, job title, office or home location, and who they replace (if anyone), so we can copy group memberships.
4. Choose the kit from the standard bundles:

| Bundle | Contains |
|---|---|
| Standard | 14" laptop, dock, headset, mouse and keyboard |
| Engineering | 16" laptop with 32 GB memory, dock, two monitors |
| Field | Rugged laptop, mobile phone, 4G data |

5. List any extra software, shared mailboxes and file shares; each owner will be asked to approve.
6. On the first day, the new colleague collects the laptop from the service desk (ground floor, HQ) or receives it by courier, and sets a password with the temporary code sent to the manager.

## If that did not help

If the start date moves, or the laptop has not arrived two days before the start, update the ticket. For urgent starts with under five days' notice, say so in the title; we will do what we can but may issue a loan laptop first.`,
  },
  {
    slug: 'lost-or-stolen-device',
    title: 'Report a lost or stolen laptop or phone',
    category: 'Security',
    department: 'it',
    visibility: 'everyone',
    tags: ['lost', 'stolen', 'theft', 'laptop', 'phone', 'wipe'],
    body: `Report a missing company laptop or phone, or a personal phone that has your work email on it, straight away, even if you think it may turn up. Laptops are encrypted and can be locked remotely, and the work container on a phone can be wiped without touching your personal data, but only if we know quickly.

## Steps

1. Call the service desk on ext. 4000 (outside office hours, the on-call number \`+44 20 7946 0000\` on the back of your badge). Do not wait for a ticket reply.
2. Tell us the device, when and where you last had it, and whether it was locked.
3. Change your password at \`https://passwords.intranet.example\` from another device.
4. If it was stolen, report it to the police and note the crime reference number.
5. If a personal phone is found later, tell us before you sign back in to work apps.

## If that did not help

After the call, we open a ticket for you in **Security**; reply to it with the police reference and anything else you remember. If the device held personal data of customers or colleagues, say so: the data protection officer may need to be told within 72 hours. A replacement laptop is usually ready within two working days.`,
  },
  {
    slug: 'report-a-phishing-email',
    title: 'Spot and report a suspicious email',
    category: 'Security',
    department: 'it',
    visibility: 'everyone',
    tags: ['phishing', 'suspicious email', 'scam', 'security', 'report'],
    body: `Phishing emails try to get you to click a link, open an attachment, share a code or pay an invoice. They often look urgent, come from an address that is almost right, or ask you to sign in to "keep your mailbox active". Reporting one takes a click and helps us block it for everyone; it is never a waste of time, even when the email turns out to be genuine.

## Steps

1. Do not click links, open attachments or reply.
2. In Outlook, select the message and click **Report → Phishing** on the toolbar (on the phone: **⋯ → Report phishing**). The message moves out of your inbox and reaches the security team.
3. If you already clicked a link or typed your password, change your password straight away at \`https://passwords.intranet.example\` and call ext. 4000.
4. If you opened an attachment, disconnect the laptop from the network (turn Wi-Fi off, unplug the cable) and call ext. 4000.
5. If the email asks for a payment or a change of bank details, check by phone with the sender using a number you already have, never one from the email.

Warning signs to look for:

- the sender's address does not match the name (\`payroll@intranet-example.co\`);
- a deadline or a threat ("your account will be closed today");
- a request for codes, gift cards or a password.

## If that did not help

If the **Report** button is missing, forward the email as an attachment to \`phishing@intranet.example\`. If you clicked, entered details or lost money, open a ticket in **Security** after calling, with the time and what you did; we will not blame you, and acting fast matters more than anything else.`,
  },
  {
    slug: 'dock-monitor-headset-and-camera',
    title: 'Docking station, monitors, headset or webcam not working',
    category: 'Devices',
    department: 'it',
    visibility: 'everyone',
    tags: ['dock', 'monitor', 'headset', 'webcam', 'camera', 'microphone', 'teams call'],
    body: `Desks have a docking station with one USB-C cable to the laptop; screens, keyboard, headset and network all run through it. When a screen stays black, or people on a video call cannot hear or see you, the cause is usually the dock needing a restart or the call app using the wrong device.

## Steps

1. Unplug the USB-C cable from the laptop, wait ten seconds and plug it back in. Use the port marked with a lightning or screen symbol.
2. If the screens stay black, unplug the dock's power for 30 seconds, then reconnect power first and the laptop second.
3. Press **Win+P** and choose **Extend**. Under **Settings → System → Display**, click **Detect** and arrange the screens.
4. Check each monitor's input button is set to the right source (usually **DisplayPort**).
5. For a call, open the app's device settings before joining (in Teams: **⋯ → Settings → Devices**) and choose your headset for both speaker and microphone, and the right camera.
6. If the camera shows a black image, look for a privacy shutter on the laptop's lid or a camera key with a slash on the keyboard. Check **Settings → Privacy → Camera** allows desktop apps.
7. Make a test call (Teams: **Settings → Devices → Make a test call**) before an important meeting.

## If that did not help

Open a ticket in **Devices** with the desk number, the dock's model (printed underneath), what works and what does not, and whether the same laptop works at another desk. Spare headsets are at the service desk on the ground floor if you need one for a call today.`,
  },
  {
    slug: 'browser-certificate-warning',
    title: 'Browser says the connection is not private',
    category: 'Security',
    department: 'it',
    visibility: 'everyone',
    tags: ['certificate', 'browser', 'ssl', 'https', 'not secure', 'warning'],
    body: `A warning such as "Your connection is not private" or \`NET::ERR_CERT_DATE_INVALID\` means the browser could not confirm that the website is what it claims to be. For public websites, treat it as a reason to stop. For internal sites it usually means a certificate expired, the laptop's clock is wrong, or you are on a network that intercepts traffic, such as a hotel's.

## Steps

1. Do not click **Proceed anyway**, and never type a password on a page that shows this warning.
2. Check the date and time on your laptop. If they are wrong, go to **Settings → Time & language** and turn on **Set time automatically**.
3. If you are on a hotel or guest network, open any ordinary website first to accept the network's terms page, then reload.
4. Try the same address in another browser (Edge and Chrome are both installed). If only one browser complains, clear its cache.
5. Note the error code shown under the message (click **Advanced** to see it) and the full address.

| Code | Likely cause |
|---|---|
| \`ERR_CERT_DATE_INVALID\` | Expired certificate or wrong clock |
| \`ERR_CERT_COMMON_NAME_INVALID\` | Wrong address or a look-alike site |
| \`ERR_CERT_AUTHORITY_INVALID\` | Network interception or an unmanaged device |

## If that did not help

If an internal site (ending in \`.intranet.example\`) shows the warning for several people, open a ticket in **Security** with the address, the error code and a screenshot; an expired certificate affects everyone and we treat it as urgent. For an external site, report it only if it is one we rely on, such as a supplier portal.`,
  },
  {
    slug: 'file-share-access',
    title: 'Request access to a shared folder or network drive',
    category: 'Files & storage',
    department: 'it',
    visibility: 'everyone',
    tags: ['file share', 'network drive', 'permissions', 'sharepoint', 'folder', 'access denied'],
    body: `Team folders live on SharePoint, and older ones on network drives such as \`S:\` and \`\\\\fileserver\\finance\`. Every folder has an owner in the business who decides who may see it; IT only carries out the owner's decision. If you get "Access denied" or the folder is missing from your drive list, ask for access rather than borrowing a colleague's login.

## Steps

1. Find out the folder's full path or SharePoint address (a colleague who uses it can copy it for you).
2. On SharePoint, click **Request access** on the denied page and write a sentence about why; the owner gets the request directly.
3. For a network drive, open a ticket in **Files & storage** with the full path, **read** or **read and change**, and the reason. We ask the owner to approve.
4. After approval, sign out of Windows and back in (or restart) so the new group membership applies. Mapped drives reconnect at sign-in.
5. If a drive letter disappears while you are on the VPN, open File Explorer and type the path, e.g. \`\\\\fileserver\\finance\`, in the address bar.

## If that did not help

If access was approved but you still see "Access denied" after signing out and back in, update the ticket with a screenshot and the exact path. If you do not know who owns the folder, say so; we can look it up. Temporary access for a project can be given with an end date; tell us the date when you ask.`,
  },
  {
    slug: 'restore-a-deleted-file',
    title: 'Get back a deleted or overwritten file',
    category: 'Files & storage',
    department: 'it',
    visibility: 'everyone',
    tags: ['restore', 'deleted', 'backup', 'recycle bin', 'version history', 'recover'],
    body: `Most deleted or overwritten files can be recovered by yourself within minutes. OneDrive and SharePoint keep deleted items for 93 days and earlier versions of every file, and network drives take snapshots every night that are kept for 30 days. Only older files or whole folders need the backup team.

## Steps

1. **Deleted from your laptop's Desktop or Documents**: open the Windows Recycle Bin, right-click the file and choose **Restore**.
2. **Deleted from OneDrive or SharePoint**: open the site in a browser, click **Recycle bin** in the left menu, select the file and choose **Restore**. Check the second-stage recycle bin at the bottom of that page too.
3. **Overwritten or damaged**: right-click the file in File Explorer or SharePoint and choose **Version history**. Open an earlier version and click **Restore**.
4. **On a network drive**: right-click the folder that held the file, choose **Properties → Previous versions**, pick a date and click **Open** to copy the file out.
5. Save the recovered file under a new name first, so you can compare before replacing anything.

## If that did not help

Open a ticket in **Files & storage** if the file is older than the retention above or a whole folder is gone. Give the full path, the file name (or part of it), when it was last fine, and when it disappeared; "between Monday and Wednesday last week" is enough. Restores from backup take one to two working days.`,
  },
  {
    slug: 'bitlocker-recovery-key',
    title: 'Laptop asks for a BitLocker recovery key at start-up',
    category: 'Security',
    department: 'it',
    visibility: 'everyone',
    tags: ['bitlocker', 'recovery key', 'encryption', 'blue screen', 'start-up'],
    body: `Every company laptop is encrypted with BitLocker. After a firmware update, a change to the docking station or a hardware repair, the laptop may stop at a blue screen asking for a 48-digit recovery key before Windows starts. It does not mean anything is broken or that your data is lost; you only need the key, which is stored against your account.

## Steps

1. Note the **Key ID** shown on the blue screen (the first eight characters are enough).
2. On your phone or another computer, sign in to \`https://mysignins.intranet.example\` and open **Devices**. Select the laptop and choose **View BitLocker keys**.
3. Check that the Key ID matches, then type the 48-digit key into the laptop. The number keys above the letters work; the screen moves on by itself after each group.
4. The laptop starts normally. Restart it once more to check it does not ask again.
5. If it asks every time, unplug all USB devices and the dock, restart, and plug them back in after you have signed in.

## If that did not help

If you cannot sign in to the devices page, or the laptop is not listed, call the service desk on ext. 4000. We will check who you are and read the key out to you; we never send recovery keys by email or chat. Quote the laptop's asset tag (sticker underneath) and the Key ID. If the laptop asks for the key repeatedly after the steps above, open a ticket in **Security** so we can check its firmware.`,
  },
  {
    slug: 'usb-drives-and-encryption-policy',
    title: 'Using USB drives and moving files off a laptop',
    category: 'Security',
    department: 'it',
    visibility: 'everyone',
    tags: ['usb', 'memory stick', 'encryption', 'external drive', 'data policy'],
    body: `Company laptops can read any USB stick but only write to encrypted ones. This stops customer or staff data from leaving the building on a lost stick. For almost every case there is a better way than a stick, such as sharing a OneDrive link, and encrypted drives are available from the service desk when you truly need one.

## Steps

1. To give files to a colleague or a partner, share a OneDrive or SharePoint link instead: right-click the file → **Share**, enter their address and set an expiry date.
2. If you need to copy files to a stick (for example, for a conference venue that has no internet), plug it in and accept the prompt **Encrypt this drive with BitLocker To Go**. Choose a password and store the recovery key in your account when asked.
3. Give the password to the recipient by phone or text, never in the same email as the stick.
4. For large or regular transfers, borrow an encrypted hardware drive from the service desk; they hold 1 TB and have a keypad.
5. Wipe or return the drive when you are done.

| Data | Allowed on a USB drive? |
|---|---|
| Public material (brochures, slides already published) | Yes, any drive |
| Internal documents | Encrypted drive only |
| Personal or customer data | Only with your manager's approval, encrypted |

## If that did not help

If a drive will not encrypt, or a device such as lab equipment needs an unencrypted stick, open a ticket in **Security** with what you need to move, how often and why. We can approve an exception for a named device.`,
  },
  {
    slug: 'travelling-abroad-with-a-laptop',
    title: 'Working abroad: taking your laptop and phone overseas',
    category: 'Security',
    department: 'it',
    visibility: 'everyone',
    tags: ['travel', 'abroad', 'overseas', 'roaming', 'laptop', 'country'],
    body: `Sign-ins from unfamiliar countries are blocked by default, and a few countries need a clean loan laptop because of local laws on encryption or border inspections. Tell us about trips at least five working days ahead, so we can allow your account in the destination country for the dates you are there.

## Steps

1. Open a ticket in **Security** using the *Travel notice* form with the countries, dates and devices you are taking.
2. If the destination is on the loan-laptop list (the form tells you), collect a loan laptop from the service desk before you go and leave your own at home.
3. Make sure your authenticator works without mobile data: the app's six-digit codes work offline.
4. Add the company roaming bundle to a company phone by texting **ROAM** to \`8080\` from it, or use Wi-Fi and avoid mobile data.
5. Connect through the VPN on hotel and airport networks, and keep the laptop with you rather than in checked luggage.
6. If border officials ask you to unlock a device, comply and report it to the service desk when you can; we will reset your password and check the laptop.

## If that did not help

If a sign-in is blocked abroad, use the web page \`https://status.intranet.example/travel\` to request a temporary unblock, or call \`+44 20 7946 0000\`. Include the country, your username and the time of the failed sign-in. Working abroad for more than 20 days also needs HR and tax approval; check with HR before booking.`,
  },
  {
    slug: 'unlock-account-in-directory',
    title: 'Runbook: unlock an account and find the source of lockouts',
    category: 'Accounts & passwords',
    department: 'it',
    visibility: 'staff',
    tags: ['runbook', 'lockout', 'directory', 'active directory', 'entra'],
    body: `Use this when a requester is locked out and cannot wait 15 minutes, or keeps being locked out. Unlocking is quick; the important part is finding the device that is sending the old password, otherwise the account locks again within minutes. Verify the caller's identity before doing anything.

## Steps

1. Verify identity: a video call with the badge photo, or a call-back to the number in the HR system. Never act on an email alone.
2. In the directory admin console, open the user and check **Account status**. Note the lockout time and the source domain controller.
3. Find the source of failed attempts in the sign-in logs: filter by user, result *Failure: 50053 (locked)* and *50126 (bad password)*, and look at **Client app** and **Device**.
4. Unlock the account (**Unlock account**), but do not reset the password unless the user asks or the logs show sign-ins from unknown locations.
5. Tell the user which device is at fault (phone mail app, old laptop, mapped drive, saved Wi-Fi) and stay on the line until it has been updated.
6. If failed attempts come from an unfamiliar country or an unknown IP, treat it as a compromise: reset the password, revoke sessions (**Revoke sessions**), require MFA re-registration and hand over to the security queue.

| Sign-in log code | Meaning |
|---|---|
| 50053 | Account locked |
| 50126 | Wrong password |
| 50074 | MFA required but not completed |

## If that did not help

If the account relocks within an hour and no device is obvious, escalate to the second-line identity team with the ticket number, the log extract and the times of each lockout. Record every step in an internal note on the ticket, not in the public reply.`,
  },
  {
    slug: 'issue-bitlocker-recovery-key',
    title: 'Runbook: issue a BitLocker recovery key',
    category: 'Security',
    department: 'it',
    visibility: 'staff',
    tags: ['runbook', 'bitlocker', 'recovery key', 'identity check'],
    body: `A BitLocker recovery key unlocks a laptop's whole disk, so it is only read out to the laptop's assigned user after an identity check, and never sent in writing. Each key issued is rotated automatically once the laptop next starts and talks to the management service.

## Steps

1. Ask for the laptop's asset tag and the **Key ID** from the blue screen.
2. Verify identity: video call comparing the face with the badge photo, or call back on the number in the HR system. For a laptop assigned to someone else, stop and escalate to a team lead.
3. In the device management console, search for the asset tag and confirm the assigned user matches the caller.
4. Open **Recovery keys**, find the key whose ID matches the first eight characters the user gave you, and click **Show**. The view is audited.
5. Read the key out in groups of six digits and wait for the user to confirm each group.
6. Stay on the call until Windows has started. Then check the console shows a new key within 24 hours (rotation after use).
7. Record in an internal note: who called, how identity was checked, the Key ID (never the key itself).

## If that did not help

If no key matches, the disk may have been re-encrypted elsewhere or the laptop replaced; do not try other keys. Escalate to the endpoint team with the asset tag and Key ID. If the laptop asks for the key on every start, open a follow-up for a firmware check. A request for a key from someone who is not the laptop's user goes to the security queue.`,
  },
  {
    slug: 'approve-admin-rights-request',
    title: 'Runbook: review and approve an administrator-rights request',
    category: 'Software',
    department: 'it',
    visibility: 'staff',
    tags: ['runbook', 'admin rights', 'elevation', 'approval', 'privileged access'],
    body: `Administrator rights are granted as time-limited elevation through Make Me Admin, never by adding a person to the local Administrators group permanently. This runbook is for agents in the **Administrative rights** skill group reviewing a request that the requester's manager has already approved.

## Steps

1. Check the ticket has the manager's approval recorded. If not, send it back to the requester; do not approve on the manager's behalf.
2. Read the stated reason. Approve for tasks that genuinely need it (installing drivers, developer toolchains, lab equipment software). Decline where Company Portal or a packaged install would do, and offer to package the software instead.
3. Look up the person's role. Developers and lab technicians may get a standing entitlement of 60-minute sessions; everyone else gets a one-off entitlement valid for 7 days.
4. In the device management console, add the user to **Elevation – standard** (one-off) or **Elevation – developer** (standing).
5. Set the expiry date on the membership; standing entitlements are reviewed every six months.
6. Reply to the requester with how to use it (the **Make Me Admin** tray icon) and a reminder that sessions are logged.
7. Add an internal note with the group, the expiry and the reason.

| Role | Entitlement | Review |
|---|---|---|
| Developer, lab technician | Standing, 60-minute sessions | Every 6 months |
| Anyone else | One-off, 7 days | Expires by itself |

## If that did not help

For requests for domain or server administrator rights, or rights on a shared machine, do not approve here: transfer the ticket to the security queue. If elevation does not appear on the laptop within two hours, ask the user to restart and check the device's last sync time.`,
  },
  {
    slug: 'handle-phishing-report',
    title: 'Runbook: triage a reported phishing email',
    category: 'Security',
    department: 'it',
    visibility: 'staff',
    tags: ['runbook', 'phishing', 'incident', 'security', 'triage'],
    body: `Reports from the **Report phishing** button land in the security mailbox and open a ticket. Most are harmless marketing or genuine mail; the job is to find the real campaigns quickly, remove them from every mailbox, and help anyone who clicked. Thank every reporter, whatever the verdict.

## Steps

1. Open the reported message in the security console and check the headers: sender domain, SPF/DKIM results and the reply-to address.
2. Check links and attachments in the sandbox, never on your own laptop.
3. Decide a verdict: **phishing**, **spam** or **legitimate**.
4. For phishing, search for the same sender or subject across all mailboxes and run **Soft delete** on every copy. Block the sender domain and the link hosts.
5. Look at the click log. For each person who clicked, reset the password, revoke sessions and check the mailbox for new forwarding rules (\`Get-InboxRule\` lists them).
6. If an attachment was opened, isolate the device from the endpoint console and open a linked incident ticket.
7. Reply to the reporter with the verdict and a thank-you; for a genuine mail, tell them it was safe.

## If that did not help

If more than 20 people received it, credentials were entered, or payment details were changed, raise a security incident and phone the on-call security lead. Record the timeline (received, reported, removed) in an internal note; the data protection officer needs it if personal data may have been exposed.`,
  },
  {
    slug: 'rotate-shared-mailbox-password',
    title: 'Runbook: rotate the password of a shared or service mailbox',
    category: 'Email & calendar',
    department: 'it',
    visibility: 'staff',
    tags: ['runbook', 'shared mailbox', 'service account', 'password rotation'],
    body: `Shared mailboxes normally have sign-in blocked and no password anyone uses; people reach them through their own accounts. A few older ones, used by scanners or line-of-business systems to send mail, still sign in with a password, which must be rotated every 90 days and whenever someone who knew it leaves.

## Steps

1. Find every system that uses the mailbox's password: the mailbox's entry in the service-account register lists them (scanner, invoicing system, alerting).
2. Agree a time with each system's owner; sending stops between the change and the update.
3. Generate a 32-character random password in the password vault and store it in the mailbox's vault entry (never in the ticket).
4. Set it in the directory admin console under **Reset password**, with **Require change at next sign-in** turned off.
5. Update each system from the list, then send a test message from each and check it arrives.
6. Set the vault entry's next rotation date 90 days ahead.
7. Where a system supports OAuth or an app registration, note it on the ticket so the password can be retired altogether.

## If that did not help

If a system keeps failing after the update, check the sign-in logs for the mailbox (error 50126 means the old password is still in use). If the mailbox was used by a person who has left, also check its inbox rules and recent sign-ins, and hand over to the security queue if anything looks unfamiliar.`,
  },
];
