/** HR articles of the starter knowledge base: pay, leave and records, in the self-service HR system (PeopleHub). */
import type { StarterArticle } from './types';

export const hrArticles: StarterArticle[] = [
  {
    slug: 'payslips-and-bank-details',
    title: 'View your payslips and update your bank account',
    category: 'Pay & benefits',
    department: 'hr',
    visibility: 'everyone',
    tags: ['payslip', 'pay', 'salary', 'bank details', 'p60', 'peoplehub'],
    body: `Payslips, annual tax summaries (P60) and your bank account details are all in PeopleHub, the HR self-service site. Payslips appear three working days before payday, which is the 25th of each month (or the last working day before it). Changes to your bank account must reach payroll by the 10th to apply to that month's pay.

## Steps

1. Sign in to \`https://people.intranet.example\` with your work account.
2. Open **Pay → Payslips**. Choose a month to view it, or **Download PDF** to keep a copy. Payslips from the last seven years are kept.
3. Your P60 for the last tax year is under **Pay → Tax documents** from the end of May.
4. To change your bank account, go to **Personal details → Bank account → Edit**, enter the new sort code and account number, and confirm with your authenticator.
5. You receive an email confirming the change. If you did not make a change and get this email, call HR straight away.

| Change made by | Paid into the new account |
|---|---|
| 10th of the month | This month |
| After the 10th | Next month (keep the old account open until then) |

## If that did not help

If a payslip looks wrong (missing overtime, a wrong tax code, an unexpected deduction), open a ticket in **Pay & benefits** with the month, the line that looks wrong and what you expected. Payroll answers within three working days; mistakes found before the 20th are corrected in the same month. HR never asks for bank details by email: report any such email as phishing.`,
  },
  {
    slug: 'leave-requests-and-balance',
    title: 'Book annual leave and check your holiday allowance',
    category: 'Leave',
    department: 'hr',
    visibility: 'everyone',
    tags: ['annual leave', 'holiday', 'vacation', 'allowance', 'time off', 'peoplehub'],
    body: `Annual leave is requested and approved in PeopleHub, which also shows how many days you have left. The leave year runs from January to December; full-time staff get 25 days plus public holidays, and up to five unused days can be carried into the first three months of the next year.

## Steps

1. Sign in to \`https://people.intranet.example\` and open **Time off**.
2. Your balance is at the top: **Entitlement**, **Booked**, **Taken** and **Remaining**. Part-time allowances are shown in hours.
3. Click **Request time off**, choose **Annual leave**, pick the dates (half days are allowed) and add a note if useful.
4. Your manager gets the request and usually answers within five working days. You receive an email either way, and approved leave appears in your Outlook calendar.
5. To cancel leave you have not taken yet, open the request and click **Cancel**; the days go back to your balance.
6. Set an out-of-office reply in Outlook before you go (**File → Automatic replies**).

| Notice needed | For |
|---|---|
| 2 × the length of the leave | Leave up to 5 days |
| 4 weeks | Leave longer than 5 days |
| Ask your manager first | Leave in the December freeze week |

## If that did not help

If your balance looks wrong (for example after changing hours or joining mid-year), or your manager has left and a request is stuck, open a ticket in **Leave** with the dates and the balance you expected. For leave for a family emergency, call your manager first; the request can be entered afterwards.`,
  },
  {
    slug: 'report-sickness-absence',
    title: 'Calling in sick and returning to work',
    category: 'Leave',
    department: 'hr',
    visibility: 'everyone',
    tags: ['sick', 'illness', 'absence', 'fit note', 'return to work'],
    body: `If you are too unwell to work, tell your manager yourself before your usual start time, by phone or a call on Teams rather than a message left with a colleague. The absence is then recorded in PeopleHub so that sick pay is calculated correctly. Up to seven calendar days need only your own statement; longer absences need a fit note from a doctor.

## Steps

1. Contact your manager before your start time on the first day, saying that you are unwell and when you expect to be back if you know.
2. Keep in touch each day for the first three days, or as agreed with your manager.
3. If you are off for more than seven calendar days, get a fit note from your doctor and upload a photo of it in PeopleHub under **Time off → Sickness → Add document**.
4. On your first day back, complete the return-to-work form in PeopleHub (**Time off → Sickness → Return to work**); your manager will arrange a short, private chat.
5. If you fall ill during booked annual leave, tell your manager on the first day of illness; with a fit note, those days can be returned to your leave balance.

## If that did not help

If you cannot reach your manager, phone HR on ext. 4100 before 10:00. Open a ticket in **Leave** if a sickness record or sick pay looks wrong, giving the dates. If your health affects your work in the longer term, ask HR about an occupational health referral; what you tell occupational health stays confidential. If you are struggling and need to talk to someone now, the confidential employee assistance line is open 24 hours on \`0800 000 0000\`.`,
  },
  {
    slug: 'parental-leave',
    title: 'Maternity, paternity, adoption and shared parental leave',
    category: 'Leave',
    department: 'hr',
    visibility: 'everyone',
    tags: ['maternity', 'paternity', 'parental leave', 'adoption', 'baby', 'family'],
    body: `If you are expecting a baby or adopting, you are entitled to paid leave, and the organisation tops up statutory pay. Telling HR early lets us plan cover and make sure your pay is right; the notice dates below are the latest you can tell us, and earlier is always welcome.

| Leave | Length | Company pay |
|---|---|---|
| Maternity or adoption (primary carer) | Up to 52 weeks | 18 weeks at full pay, then statutory |
| Paternity or partner | 2 weeks | Full pay |
| Shared parental | Shared between parents | 6 weeks at full pay, then statutory |

## Steps

1. Tell your manager and HR at least 15 weeks before the baby is due (or within 7 days of being matched for adoption).
2. In PeopleHub, open **Time off → Family leave → New request**, choose the type and enter the due or placement date and your planned start date.
3. Upload the MATB1 certificate from your midwife, or the matching certificate from the adoption agency.
4. HR confirms your leave dates and pay in writing within 28 days.
5. Book paid time off for antenatal or adoption appointments as **Appointments** in PeopleHub; these do not come out of your annual leave.
6. During leave you can work up to 10 *keeping in touch* days, by agreement and paid at your normal rate.

## If that did not help

Open a ticket in **Leave** (only you and HR can see it) for questions about your dates, pay or changing your return date; give eight weeks' notice to change it. Questions about flexible working on your return go the same way; request it as early as you can.`,
  },
  {
    slug: 'expense-claims',
    title: 'Claim back work expenses',
    category: 'Pay & benefits',
    department: 'hr',
    visibility: 'everyone',
    tags: ['expenses', 'receipts', 'reimbursement', 'travel', 'mileage'],
    body: `Costs you pay yourself for work, such as train tickets, a hotel or a client lunch, are paid back with your salary when you claim them in PeopleHub with a photo of each receipt. Claims approved by your manager by the 15th are paid on the 25th of the same month. Claims older than three months cannot be paid.

## Steps

1. In PeopleHub, open **Expenses → New claim**. On your phone, the PeopleHub app lets you photograph receipts as you go.
2. Add one line per receipt: the date, the type (travel, hotel, meals, mileage, other), the amount and a short reason ("train to Leeds for supplier audit").
3. Attach a clear photo of each receipt. Card slips are not enough; you need the itemised receipt.
4. For mileage in your own car, enter the start and end postcodes; the distance and the rate are filled in.
5. Submit the claim. Your manager approves it, then finance checks it.

| Type | Limit without extra approval |
|---|---|
| Hotel, per night | £150 in London, £110 elsewhere |
| Evening meal when away | £30 |
| Mileage | 45p per mile |
| Client entertainment | Needs a director's approval |

## If that did not help

If a claim was rejected or not paid when expected, open a ticket in **Pay & benefits** with the claim number and what the rejection said. If you lost a receipt, say so in the claim line and attach a bank statement line instead; finance accepts one such claim a quarter. For large upfront costs, such as a conference, ask your manager about booking it on a company card instead.`,
  },
  {
    slug: 'benefits-enrolment',
    title: 'Join or change your pension, health cover and other benefits',
    category: 'Pay & benefits',
    department: 'hr',
    visibility: 'everyone',
    tags: ['benefits', 'pension', 'health insurance', 'cycle to work', 'enrolment'],
    body: `You can join or change most benefits once a year, in the November enrolment window, or within 30 days of joining or a life event such as marriage, a birth or a partner losing their cover. Everything is done in the Benefits section of PeopleHub, which shows the cost of each choice before you confirm it.

## Steps

1. Sign in to \`https://people.intranet.example\` and open **Benefits**.
2. Review what you have now. The pension is automatic: you pay 5% and the organisation adds 8%; you can raise your own contribution at any time.
3. To add health cover for a partner or children, choose **Private medical → Change cover** and enter their details. The cost is taken from your salary before tax.
4. Other benefits (cycle to work, dental, extra holiday purchase, season ticket loan) each have an **Apply** button and a short form.
5. Click **Confirm choices**. You receive a summary by email; changes start on the 1st of the following month.
6. For a life event outside the window, choose **Report a life event** and upload proof (for example a birth or marriage certificate).

## If that did not help

Open a ticket in **Pay & benefits** if a deduction on your payslip does not match your choices, or if you missed the window for a good reason. Include the benefit, the date you made the choice and a screenshot of the summary. Questions about your pension investments go to the pension provider, whose contact details are on the **Benefits → Pension** page.`,
  },
  {
    slug: 'employment-letters-and-references',
    title: 'Ask for a proof-of-employment letter or a reference',
    category: 'Letters & records',
    department: 'hr',
    visibility: 'everyone',
    tags: ['letter', 'reference', 'proof of employment', 'mortgage', 'visa', 'records'],
    body: `Banks, landlords, mortgage lenders and embassies often ask for a letter confirming your job and salary. PeopleHub produces a standard proof-of-employment letter instantly; letters with a specific wording, and references for former colleagues, are written by HR. Managers must not give written references themselves; send reference requests to HR.

## Steps

1. For a standard letter, open PeopleHub → **Documents → Request a letter**, choose **Proof of employment**, and tick whether to include your salary.
2. The signed PDF appears under **Documents** within a minute; it confirms your job title, start date, hours and (if chosen) salary.
3. If the bank or embassy needs particular wording or its own form, open a ticket in **Letters & records**, attach their form, and say when you need it. HR takes up to five working days.
4. If a future employer or landlord asks for a reference, give them the address \`references@intranet.example\`; HR replies within five working days with dates of employment and job title.
5. To check what is on your record (address, emergency contact, job history), look under **Personal details**; you can update most of it yourself.

## If that did not help

If the standard letter has a wrong job title or start date, open a ticket in **Letters & records** with what needs correcting; the letter is regenerated once your record is fixed. For a formal request for all the data held about you, email the data protection officer at \`privacy@intranet.example\`; you will receive it within one month.`,
  },
];
