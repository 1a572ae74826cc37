/** Facilities articles of the starter knowledge base: the buildings (Headquarters, Warehouse) and working in them. */
import type { StarterArticle } from './types';

export const facilitiesArticles: StarterArticle[] = [
  {
    slug: 'desk-booking',
    title: 'Book a desk for an office day',
    category: 'Workplace',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['desk', 'hot desk', 'booking', 'office', 'spaces app'],
    body: `Desks at Headquarters are shared and booked in the Spaces app, up to 14 days ahead. Each team has a neighbourhood (a group of desks on one floor) so that you sit near colleagues, and a few desks with special equipment are kept for people who need them. Unclaimed bookings are released at 10:00 so that others can use them.

## Steps

1. Open **Spaces** on your phone or at \`https://spaces.intranet.example\`.
2. Choose the date, the building and your team's neighbourhood, then pick a free desk on the floor plan. Desks with a standing frame or a large monitor are marked with an icon.
3. On the day, check in by scanning the QR code on the desk, or tap **Check in** in the app, before 10:00.
4. If your plans change, cancel the booking so the desk goes back to the pool.
5. Clear the desk when you leave: take your things home or put them in a locker (lockers are booked in the same app, per day).

| Booking | Allowed |
|---|---|
| Ahead | Up to 14 days |
| Per day | One desk |
| Recurring | Only fixed desks agreed with facilities |

## If that did not help

If a desk needs a fixed allocation because of a medical need or an assessment, open a ticket in **Workplace** and say what is needed; the details are seen only by facilities. If the app shows no free desks in your neighbourhood but the floor looks empty, report it with the date and floor so we can release unused bookings.`,
  },
  {
    slug: 'lost-access-badge',
    title: 'Lost, forgotten or broken building pass',
    category: 'Building & access',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['badge', 'pass', 'access card', 'lost', 'door', 'reception'],
    body: `Your photo pass opens the doors and car park barriers, releases print jobs and is your identity on site, so a lost pass is cancelled as soon as you report it. If you simply left it at home, reception gives you a day pass; a lost or broken one is replaced the same day at Headquarters reception.

## Steps

1. **Forgotten at home**: go to reception with photo ID or ask a colleague to vouch for you. You receive a day pass that stops working at midnight.
2. **Lost or stolen**: report it at once at reception, by phone on ext. 4200, or through a ticket in **Building & access**, so the pass is cancelled.
3. Collect a replacement at Headquarters reception (08:00–17:00). Your photo is kept on file, so it takes about ten minutes. The Warehouse can issue day passes but not permanent ones.
4. A second replacement within twelve months needs your manager's approval.
5. **Broken or not opening a door**: try another reader first. If none work, bring the pass to reception; the chip may need re-enabling after a long absence.
6. Re-link the new pass to the printers by tapping it and signing in once.

## If that did not help

If your new pass does not open a door that you need (for example a lab or the server room), open a ticket in **Building & access** with the door's name or number, printed above the reader, and who approved your access. Access to restricted rooms is approved by the room's owner, not by facilities.`,
  },
  {
    slug: 'parking',
    title: 'Parking at the offices and getting a permit',
    category: 'Building & access',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['parking', 'car park', 'permit', 'ev charging', 'bike'],
    body: `Headquarters has 120 parking spaces for about 600 people, so spaces are booked per day in the Spaces app like desks. Blue-badge holders, car sharers and people on early or late shifts can have a permanent permit. The Warehouse car park is unrestricted. Bikes go in the covered racks behind Headquarters, with showers on the ground floor.

## Steps

1. Register your car's number plate once in the Spaces app under **Profile → Vehicles**; the barrier camera reads it.
2. Book a space for the day under **Parking**, the same way as a desk. Electric-vehicle charging spaces are shown with a plug icon and can be booked for up to four hours.
3. If the barrier does not open, tap your building pass on the reader beside it.
4. To apply for a permanent permit, open a ticket in **Building & access** with the reason (blue badge, car share with named colleagues, or shift times) and your manager's approval for shift-based requests.
5. Move your car from a charging space once it is charged, so others can use it.

| Who | Parking |
|---|---|
| Blue-badge holders | Permanent space near the entrance |
| Car sharers (3 or more people) | Permanent shared permit |
| Everyone else | Book per day, first come first served |

## If that did not help

If you received a fine or a warning notice in the car park, open a ticket in **Building & access** within 14 days with a photo of the notice and your booking; facilities will challenge it when the booking was valid. Report a damaged barrier or a blocked space to reception on ext. 4200.`,
  },
  {
    slug: 'meeting-room-av',
    title: 'Screen, camera or sound not working in a meeting room',
    category: 'Workplace',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['meeting room', 'av', 'projector', 'screen', 'room system', 'hdmi'],
    body: `Every bookable meeting room has a wall screen, a camera and a ceiling microphone, controlled from the touch panel on the table. Rooms booked in Outlook show your meeting on the panel, so you can join a Teams call with one tap and share your screen without cables. Most problems are solved from the panel itself.

## Steps

1. Tap the touch panel to wake it. Your meeting appears if the room was invited; tap **Join**.
2. To share your laptop, use **Share** in the Teams meeting, or plug the USB-C or HDMI cable on the table into the laptop. The screen switches to it within a few seconds.
3. If there is no sound, check the panel's volume and that the microphone icon is not red (muted). Ceiling microphones pick up the whole room, so you do not need to pass anything round.
4. If the screen stays black, tap **Settings → Restart room** on the panel; it takes about two minutes.
5. Release the room on the panel if your meeting ends early, so others can use it.

| Room size | Equipment |
|---|---|
| Small (4–6) | Screen, camera bar |
| Medium (8–12) | Screen, camera, ceiling microphones |
| Large (20+) | Two screens, tracking camera, hand microphones |

## If that did not help

Call the AV line on ext. 4250 if a meeting is about to start; someone can come within ten minutes at Headquarters. Otherwise open a ticket in **Workplace** with the room name (on the door), what you tried and what the panel showed. For important events, ask for a technician when you book the room, at least two working days ahead.`,
  },
  {
    slug: 'heating-and-air-conditioning',
    title: 'Office too hot, too cold or stuffy',
    category: 'Workplace',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['heating', 'air conditioning', 'temperature', 'cold', 'hot', 'ventilation'],
    body: `Heating and cooling are controlled by the building management system and set to between 20 and 23 °C during working hours (07:00–19:00 on weekdays). The wall panels in each zone allow a change of up to 2 °C either way. Outside those hours the system runs at a lower setting, so a room may take half an hour to reach temperature on early mornings.

## Steps

1. Use the wall panel in your area: press **+** or **−** to adjust by up to 2 °C. The change takes around 20 minutes to be felt.
2. On the top floor in summer, close the blinds on the sunny side in the morning; it makes a large difference.
3. Keep windows closed when the air conditioning is running; an open window makes the whole zone work harder and warms it.
4. Do not bring in personal heaters or fans; they are a fire risk and confuse the zone's sensor. Facilities can lend an approved desk fan.
5. Note the temperature shown on the panel and the time, in case you need to report it.

## If that did not help

Open a ticket in **Workplace** with the building, floor and area (or the panel's number), the temperature shown, and how long it has been like that. If several people are affected, one ticket is enough; others can add a comment. Report water dripping from a ceiling unit, a burning smell, or a temperature below 16 °C or above 28 °C to reception on ext. 4200 immediately.`,
  },
  {
    slug: 'cleaning-and-spills',
    title: 'Report a spill, a mess or a cleaning problem',
    category: 'Workplace',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['cleaning', 'spill', 'mess', 'toilets', 'kitchen', 'bins'],
    body: `Cleaners work in the offices every evening and keep a day cleaner at Headquarters from 08:00 to 16:00 for anything that cannot wait. A spill on the floor is a slip hazard and is dealt with first; routine issues, such as bins not emptied or a kitchen left untidy, are logged and dealt with that evening.

## Steps

1. **Spill on a floor or stairs**: stay with it or put a chair or the yellow warning sign (kept in every kitchen) beside it, and call reception on ext. 4200. Do not wipe up broken glass or anything you do not recognise.
2. **Coffee on a desk or keyboard**: unplug the keyboard, turn it upside down and let it dry. For a laptop, turn it off and open a ticket with IT.
3. **Toilets out of soap or paper, or blocked**: scan the QR code on the back of the door; it reports that room directly.
4. **Kitchen or bins**: open a ticket in **Workplace** with the floor and location; it goes on the evening list.
5. **Something left in a shared fridge**: the fridges are emptied every Friday at 15:00; label your food with your name and date.

| Problem | How fast |
|---|---|
| Spill, broken glass, blocked toilet | Within 30 minutes |
| Missed bins, untidy kitchen | Same evening |
| Deep clean, carpet stain | Within a week |

## If that did not help

If a problem comes back again and again (the same toilet, the same overflowing bin), open a ticket in **Workplace** that says how often it happens, so we can change the cleaning schedule. For hazardous materials in labs or the Warehouse, follow the area's spill procedure and call the site's safety lead.`,
  },
  {
    slug: 'furniture-and-ergonomic-assessment',
    title: 'Broken chair or desk, and ergonomic assessments',
    category: 'Workplace',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['chair', 'desk', 'furniture', 'ergonomic', 'workstation', 'back pain', 'dse'],
    body: `Broken or unsafe furniture is replaced or repaired by facilities, usually within two working days. If your workstation causes discomfort, such as back, neck or wrist pain, you can ask for an ergonomic assessment, in which a trained assessor adjusts your set-up and recommends equipment such as a different chair, a footrest or a monitor arm. This applies to home workstations too.

## Steps

1. **Broken furniture**: stop using it, put a note on it ("do not use"), and open a ticket in **Workplace** with the desk or room number and a photo.
2. **Adjust first**: the seat height should let your feet rest flat with your thighs level; the top of the screen should be at eye level and an arm's length away. The chair's levers are explained on the tag underneath.
3. Complete the short self-assessment in PeopleHub under **Health & safety → Workstation check**. It takes ten minutes.
4. If the self-assessment flags a problem, or you still have discomfort, request an assessment in the same place. An assessor contacts you within five working days, in person or by video for home set-ups.
5. Equipment the assessor recommends is ordered by facilities; you do not need to buy it yourself.

## If that did not help

If you are waiting for equipment longer than three weeks, update your ticket. If you have a medical condition that needs a fixed desk or special furniture, say so in the request; the details stay with the assessor and facilities. For pain that continues, see your doctor and ask HR about an occupational health referral.`,
  },
  {
    slug: 'post-and-deliveries',
    title: 'Send post, receive parcels and courier deliveries',
    category: 'Building & access',
    department: 'facilities',
    visibility: 'everyone',
    tags: ['post', 'mail room', 'parcel', 'courier', 'delivery', 'letters'],
    body: `The mail room at Headquarters (ground floor, behind reception) receives all post and parcels for the office and sends outgoing post every weekday at 15:30. Parcels for you are logged, and you receive an email with a collection code when one arrives. The Warehouse takes its own goods deliveries at the loading bay but not personal parcels.

## Steps

1. Ask senders to address items to you by name, team and *1 Harbour Street*; items without a name can take days to sort.
2. When you receive a **Parcel waiting** email, collect it from the mail room (09:00–16:00) with the code from the email or your building pass.
3. To send post, leave it in the outgoing tray by the mail room before 15:30 with a cost-centre sticker. Recorded or international items need a short form at the mail room.
4. For a courier, book it from the **Couriers** page on the intranet; the courier collects from reception.
5. Personal parcels are accepted up to a shoebox in size. Collect them within five working days, or they are returned.

| Item | Ready to collect |
|---|---|
| Letters | Same day, in your team's pigeonhole |
| Parcels | Within 2 hours of arrival, with an email |
| Large deliveries (furniture, equipment) | Arranged with facilities in advance |

## If that did not help

If a tracked parcel shows as delivered but you have had no email, open a ticket in **Building & access** with the tracking number, the courier and the delivery time. For large or regular deliveries, such as equipment for a lab, arrange a delivery slot with facilities at least two working days ahead.`,
  },
];
