// Writes docs/POLICY.md: the request and decision formats, the assumptions behind the
// presets, and a worked example for every clause id, each decision produced by the engine.
// Run: npm run docs:policy. test/policy-doc.test.ts checks that `haven policy decide`
// answers every example exactly as written.
import { writeFileSync } from 'node:fs'
import { CLAUSE_IDS, CLAUSE_TITLES, type ClauseId } from '../src/domain/policy/clauses.ts'
import { ABILITIES, ABILITY_DEFINITIONS } from '../src/domain/policy/abilities.ts'
import { abilitiesOf, compilePolicy, decide } from '../src/domain/policy/engine.ts'
import { BUILT_IN, INVARIANTS } from '../src/domain/policy/invariants.ts'
import { preset, PRESET_NAMES, type PresetName } from '../src/domain/policy/presets.ts'
import { policyRequest, type PolicyRequestInput } from '../src/domain/policy/request.ts'
import { RULES } from '../src/domain/policy/rules.ts'
import { ROLE_WORDS } from '../src/domain/policy/words.ts'
import { ROLES } from '../src/domain/roles.ts'

const EXAMPLES: [ClauseId, PresetName, string, PolicyRequestInput][] = [
  [
    'NDX',
    'cordomus',
    'A volunteer not on the family’s session opens the family.',
    {
      action: 'read',
      actor: { roles: ['volunteer'], relationship: 'none' },
      resource: { type: 'family' },
    },
  ],
  [
    'NDX',
    'cordomus',
    'The volunteer on the session opens it: first names, times, plan and flags only.',
    {
      action: 'read',
      actor: { roles: ['volunteer'], relationship: 'assigned' },
      resource: { type: 'family' },
    },
  ],
  [
    'GUIDE',
    'chichester',
    'A volunteer asks the coordinator for guidance.',
    { action: 'ask_guidance', actor: { roles: ['volunteer'] } },
  ],
  [
    'NOREPORT',
    'cordomus',
    'A solicitor asks for a report for family proceedings.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'notes_or_reports',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'family_proceedings',
    },
  ],
  [
    'ATTEND',
    'preston',
    'The referring agency asks for attendance.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'attendance',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'other',
    },
  ],
  [
    'ATTEND',
    'preston',
    'Another agency asks for the same family’s attendance.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'attendance',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: false, isVerified: true },
      purpose: 'other',
    },
  ],
  [
    'CONTACT',
    'st-marys',
    'The other parent asks for the parent’s address.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'contact_details',
      recipient: { kind: 'former_partner' },
      purpose: 'other',
    },
  ],
  [
    'CONTACT',
    'cordomus',
    'The parent has consented in writing to their former partner having their address, to arrange handovers: it may go, once whoever releases it confirms that consent.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'contact_details',
      recipient: { kind: 'former_partner' },
      purpose: 'other',
      consent: {
        isLive: true,
        matchesCategory: true,
        matchesRecipient: true,
        matchesPurpose: true,
        isExplicit: true,
      },
    },
  ],
  [
    'CONTACT',
    'chichester',
    'The same, where the consent was only spoken and the policy asks for explicit permission.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'contact_details',
      recipient: { kind: 'former_partner' },
      purpose: 'other',
      consent: {
        isLive: true,
        matchesCategory: true,
        matchesRecipient: true,
        matchesPurpose: true,
        isExplicit: false,
      },
    },
  ],
  [
    'CONTACT',
    'chichester',
    'A court orders the address disclosed ("required by law").',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
      legalBasis: 'Court order ZW24P00123',
    },
  ],
  [
    'CONTACT',
    'cordomus',
    'The same request at a centre with no "required by law" path.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
      legalBasis: 'Court order ZW24P00123',
    },
  ],
  [
    'EXCEPT',
    'birmingham',
    'A child is at risk: the coordinator tells CAFCASS, with a second sign-off.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'cafcass' },
      purpose: 'safeguarding_child',
      atRisk: 'child',
      reason: 'Synthetic: the child described being hurt at home',
      hasLinkedConcern: true,
      hasSecondSignOff: true,
    },
  ],
  [
    'EXCEPT',
    'cordomus',
    'The same disclosure where CAFCASS is not an allowed recipient.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'cafcass' },
      purpose: 'safeguarding_child',
      atRisk: 'child',
      reason: 'Synthetic: the child described being hurt at home',
      hasLinkedConcern: true,
      hasSecondSignOff: true,
    },
  ],
  [
    'EXCEPT',
    'st-marys',
    'A volunteer is threatened at handover: the coordinator tells the police, answering the concern the volunteer raised.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'risk_of_violence',
      atRisk: 'volunteers',
      reason: 'Synthetic: a threat overheard at handover',
      hasLinkedConcern: true,
      hasSecondSignOff: true,
    },
  ],
  [
    'EXCEPT',
    'preston',
    'The same, with no reason given and no concern linked.',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'risk_of_violence',
      atRisk: 'volunteers',
      hasSecondSignOff: true,
    },
  ],
  [
    'NDX',
    'cordomus',
    'A volunteer asks to send a family’s attendance to its referring agency.',
    {
      action: 'disclose',
      actor: { roles: ['volunteer'], relationship: 'assigned' },
      category: 'attendance',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'other',
    },
  ],
  [
    'ASSESS',
    'birmingham',
    'A social worker’s assessment, agreed by a Management Team member, in a contact room.',
    {
      action: 'book_assessment',
      actor: { roles: ['coordinator'] },
      agreement: { approvedBy: ['management'], place: 'contact_rooms' },
    },
  ],
  [
    'ASSESS',
    'cordomus',
    'An assessment with no agreement.',
    { action: 'book_assessment', actor: { roles: ['coordinator'] } },
  ],
  [
    'CHECKS',
    'birmingham',
    'A volunteer with a standard (not enhanced) DBS check is put on a session.',
    {
      action: 'assign',
      actor: { roles: ['coordinator'] },
      worker: {
        kind: 'volunteer',
        checks: [
          {
            kind: 'dbs',
            level: 'standard',
            outcome: 'clear',
            issuedOn: '2025-01-01',
            renewalDueOn: '2028-01-01',
          },
        ],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
  ],
  [
    'CHECKS',
    'preston',
    'The chair reads a check result.',
    { action: 'read', actor: { roles: ['chair'] }, resource: { type: 'check_result' } },
  ],
  [
    'SECURE',
    'cordomus',
    'The coordinator, before passing the second factor, asks to reveal an address.',
    {
      action: 'reveal',
      actor: { roles: ['coordinator'], hasSecondFactor: false },
      resource: { type: 'person' },
      reason: 'To arrange a pre-visit',
    },
  ],
  [
    'RETAIN',
    'birmingham',
    'A safeguarding record unused for ten years.',
    {
      action: 'dispose',
      actor: { roles: ['coordinator'] },
      record: { category: 'safeguarding', lastUsedOn: '2016-01-01' },
      today: '2026-11-21',
    },
  ],
  [
    'RETAIN',
    'st-marys',
    'A family record unused for four years.',
    {
      action: 'dispose',
      actor: { roles: ['coordinator'] },
      record: { category: 'family_record', lastUsedOn: '2022-11-20' },
      today: '2026-11-21',
    },
  ],
  [
    'AWARE',
    'cordomus',
    'A parent reads the policy.',
    { action: 'read', actor: { roles: ['parent'] }, resource: { type: 'policy' } },
  ],
  [
    'REVIEW',
    'st-marys',
    'The coordinator publishes a new version (St Mary’s workers sign it).',
    { action: 'publish_policy', actor: { roles: ['coordinator'] } },
  ],
  [
    'DPA',
    'preston',
    'The coordinator corrects a record.',
    { action: 'rectify', actor: { roles: ['coordinator'] }, resource: { type: 'family' } },
  ],
  [
    'SAR',
    'preston',
    'A subject access bundle meets data held to prevent violent crime.',
    {
      action: 'subject_access',
      actor: { roles: ['parent'], relationship: 'self' },
      item: 'violence_prevention',
    },
  ],
]

const compiled = Object.fromEntries(PRESET_NAMES.map((name) => [name, compilePolicy(preset(name))]))
const json = (value: unknown): string => JSON.stringify(value)

const sections = CLAUSE_IDS.map((clause) => {
  const examples = EXAMPLES.filter(([id]) => id === clause)
  if (examples.length === 0) throw new Error(`no worked example for ${clause}`)
  const rules = RULES.filter((rule) => rule.clause === clause).map(
    (rule) => `- *${rule.effect}* (${rule.action}): ${rule.says}`,
  )
  return [
    `### ${clause}: ${CLAUSE_TITLES[clause]}`,
    '',
    ...rules,
    '',
    ...examples.flatMap(([, name, what, input]) => {
      const decision = decide(
        compiled[name] ?? compilePolicy(preset(name)),
        policyRequest.parse(input),
      )
      return [
        what,
        '',
        '```json request ' + name,
        json(input),
        '```',
        '',
        '```json decision',
        json(decision),
        '```',
        '',
      ]
    }),
  ].join('\n')
})

const doc = `# The policy engine

Haven enforces each centre's confidentiality policy with one engine (\`src/domain/policy\`),
pure code with no I/O: a policy document (data) and a request go in, a decision comes out.
This page gives the formats and a worked example for every clause of
[\`docs/CLAUSES.md\`](CLAUSES.md). It is written by \`npm run docs:policy\`, and a test runs
every example through \`haven policy decide\` and checks the answer is exactly as shown.

## Commands

\`\`\`sh
haven policy presets                              # cordomus, st-marys, chichester, preston, birmingham
haven policy show <preset|file>                   # the parameters as JSON
haven policy render <preset|file> [--format md|html]
haven policy check <file>                         # exits 1, naming the path of every problem
haven policy decide <preset|file> < requests.jsonl
\`\`\`

## The policy document

A JSON object: \`id\`, \`version\`, \`centreName\`, \`basedOn\` (a preset), \`adopted\`
(YYYY-MM-DD) and \`parameters\`, one group per clause (\`haven policy show cordomus\` prints
them all). Unknown fields are errors. A document that fails validation is never used.

## Requests

One JSON object with an \`action\`, an \`actor\` (\`roles\`; \`relationship\` to the record:
\`assigned\`, \`referrer_of_family\`, \`self\`, \`other_parent\`, \`author\` or \`none\`;
\`hasSecondFactor\`, default true) and what the action needs:

| action | with |
|---|---|
| \`read\` | \`resource: {type, field?}\`; types: ${['policy', 'family', 'person', 'session', 'referral', 'worker', 'check_result', 'safeguarding_concern', 'incident', 'accident_book', 'guidance_request', 'audit_log'].map((t) => `\`${t}\``).join(', ')} |
| \`reveal\` | \`resource: {type: "person"}\`, \`reason\` |
| \`export\` | \`resource: {type}\` |
| \`disclose\` | \`category\` (attendance, contact_details, notes_or_reports, other), \`recipient: {kind, isReferrerOfFamily, isVerified}\`, \`purpose\` (family_proceedings, safeguarding_child, risk_of_violence, required_by_law, other), \`consent?: {isLive, matchesCategory, matchesRecipient, matchesPurpose}\`, \`atRisk?\`, \`legalBasis?\`, \`hasSecondSignOff\` |
| \`book_assessment\` | \`agreement?: {approvedBy: [roles], place: premises or contact_rooms}\` |
| \`assign\` | \`worker: {kind, checks: [{kind, level, outcome, issuedOn, renewalDueOn}], isAcquaintedWithFamily}\`, \`on\` (date) |
| \`dispose\` | \`record: {category, lastUsedOn, isOnLegalHold}\`, \`today\` |
| \`subject_access\` | \`item\`: own_data, other_parent_contact_details, third_party_data, violence_prevention |
| \`ask_guidance\`, \`rectify\`, \`publish_policy\`, \`record_review\`, \`acknowledge_policy\` | the actor (and a resource for rectify) |

## Decisions

\`{effect: "permit", clauses, obligations, redact, policy}\` or
\`{effect: "deny", clauses, reasons, errors, policy}\`; \`dispose\` adds \`retention\`
(\`keep_indefinitely\`, \`keep\`, \`on_hold\` or \`due\`, with \`dueOn\` and why).
\`policy\` is \`{id, version, hash}\` (SHA-256 of the document's canonical JSON). Deny by
default, naming the clause that governs the action; any forbid beats every permit; a rule
that throws makes the decision a deny that lists the error. Only the rules indexed under
the request's action and resource type are evaluated. Where several rules permit a read,
a field stays hidden only if all of them hide it; a read of one hidden field is denied.

## Assumptions where the seeds are silent

- Safeguarding recipients at Cordomus and Preston (not named): Children's Services and the police.
- Who authorises a safeguarding disclosure: the coordinator, with a second person's sign-off; the Chair is told where the seed names one (Cordomus, Preston), the Management Team at Birmingham, nobody else at St Mary's and Chichester, whose seeds name neither.
- Who sees safeguarding concerns: the coordinator, with the Chair where the seed names one (Cordomus, Preston) and the Management Team at Birmingham.
- Who sees check results where the seed names nobody (St Mary's, Chichester): the coordinator; at Birmingham the coordinator and the Management Team.
- Check level where the seed names none: standard (Birmingham asks for enhanced). Checks are renewed every three years (a check stops counting at the end of the policy's renewal period from its issue, or the renewal date recorded with it if sooner), and every worker assigned to families needs one, whatever the seed calls them. A DBS check satisfies Preston's "Criminal Records Bureau" check, the DBS's predecessor; a CRB certificate counts only where the policy names the CRB (\`checks.kind\`).
- When the check is needed (\`checks.before\`): "before starting" (Cordomus, Preston), "prior to taking up post" (St Mary's) and "prior to appointment" (Chichester) decide alike: nobody works with families, or sees one, until their check is clear; the three are kept so that the rendered policy says what the seed says. Birmingham's "prior to becoming a full volunteer" implies a volunteer who is not yet full: a volunteer whose check (of the kind and level required) is under way may be put on a session as a shadow, alongside a worker with a clear check, and then sees that family as any volunteer on the session does; never alone, and never a member of staff.
- Who signs in with a second factor: the roles the policy names (\`security.secondFactorRoles\`), and never fewer than those that see protected data (coordinator, Chair, management, staff); the rendered policy names only the roles a centre adds, so no Chair appears where the seed names none.
- Who approves an assessment where the seed names nobody: the coordinator.
- Who may reveal contact details, export family data, and answer guidance requests: the coordinator.
- Who approves disposal: the coordinator, or the Chair where the seed names one (Cordomus, Preston), or the Management Team at Birmingham; never automatic unless a centre changes it.
- Birmingham's "electronic referral records" are Haven's referral records, which are all electronic.
- Subject access, item by item: the other parent's contact details are never released; third parties' data is withheld (UK GDPR Art. 15(4)), and so are safeguarding records (a concern, a disclosure made because a child was at risk), which name others too, except to a child of the family up to the age the policy names (Birmingham: 25); data held to prevent violent crime is withheld only where the policy has that exemption (Preston). A withheld item is released after review by the roles who export family data, with a reason.
- Safeguarding and child protection records: a family's safeguarding concerns and the disclosures made because someone was at risk of violence are safeguarding records; the disclosures made because a child was at risk are records of child protection. Where they are kept, the family's reference and its people's names stay with them (never contact details or the family's key).
- Assessments at Birmingham: only the contact rooms are restricted ("in ... Contact Rooms"); an assessment elsewhere in the building needs no agreement.
- Attendance: St Mary's and Birmingham say only that attendance goes to referring agencies; the "nothing else unless an exception" of Cordomus, Chichester and Preston is not theirs.
- Adoption dates: only Cordomus's seed is dated (April 2014); the other presets carry none.

## Parameters retired because they decided nothing

Every parameter of the policy document changes a decision (decision 0025;
\`src/domain/policy/parameters.test.ts\` fails for one that does not). These changed only the
rendered text, so they are no longer parameters. Versions published with them still read: the
retired fields are left out when a stored version is read, and its hash stays that of what was
published.

- \`confidentiality.bound\` ("volunteers" or "staff"): every worker, volunteer or staff, is held to NDX by the same rules, whatever the seed calls its workers (Cordomus: "all Contact Centre workers are obliged to observe"; Chichester: "all volunteers and staff"). A setting that left some workers unbound would break NDX. The policy says "our volunteers and staff".
- \`guidance.isExplicit\` (Chichester): every worker at every centre may ask for guidance inside Haven, so the words "as our policy expressly asks" decided nothing.
- \`reports.refusedFor\` ("family proceedings" or, at Chichester, "family court proceedings"): no report is made for any family proceedings at any centre; a narrower wording would not let Chichester write reports for other proceedings, and nothing in Haven asks which court.
- \`exceptions.violenceRiskTo\`: a risk of physical violence to anyone using the centre or working there (a user, a volunteer, a member of staff, the coordinator) is an exception at every centre (decision 0027), so who is protected is not a setting.
- \`exceptions.requiresSecondSignOff\`: a disclosure when someone is at risk always needs a second person's sign-off (EXCEPT); it is an invariant, not a setting.
- \`retention.reasonKept\` (Birmingham): the reason is the age up to which children may ask for their records (\`subjectAccess.childrenMayAskUntilAge\`), which the rendered policy now gives.
- \`awareness.audiences\`: everyone, referrers and parents included, may read the policy at every centre (AWARE), whoever the seed lists.
- \`review.keepsVersionHistory\` (Birmingham): every version is kept, immutable, at every centre (REVIEW).
- \`dataProtection.statement\` and \`subjectAccess.statement\`: Haven keeps the data protection principles and answers subject access requests at every centre, because the law applies whatever the policy says; the rendered policy says so at every centre, in Preston's own eight principles where the policy is based on Preston's and in a summary elsewhere (St Mary's and Birmingham's separate Data Protection Policy is not something Haven holds).

## Who may do what: the abilities

Every "may this person do this" that is not a decision about one record is an ability, an
action of the engine with its clause (\`src/domain/policy/abilities.ts\`, decision 0023). The
use cases refuse through them and the pages offer exactly what they allow. Under each preset,
the roles that hold each ability:

| ability | clause | ${PRESET_NAMES.join(' | ')} |
| ------- | ------ | ${PRESET_NAMES.map(() => '---').join(' | ')} |
${ABILITIES.map(
  (ability) =>
    `| \`${ability}\` | ${ABILITY_DEFINITIONS[ability].clause} | ${PRESET_NAMES.map((name) => {
      const compiled = compilePolicy(preset(name))
      const holders = ROLES.filter((role) =>
        abilitiesOf(compiled, { roles: [role], relationship: 'none', hasSecondFactor: true }).has(
          ability,
        ),
      )
      return holders.map((role) => ROLE_WORDS[role] ?? role).join(', ')
    }).join(' | ')} |`,
).join('\n')}

## What no policy may say

A centre may write its own policy, but \`validatePolicy\` refuses a document that breaks one of
these, naming the field and the clause (\`src/domain/policy/invariants.ts\`); every preset keeps
them all.

| field | clause | invariant |
| ----- | ------ | --------- |
${INVARIANTS.map((i) => `| \`parameters.${i.path}\` | ${i.clause} | ${i.says} |`).join('\n')}
${BUILT_IN.map((i) => `| (no setting) | ${i.clause} | ${i.says} |`).join('\n')}

## Worked examples, clause by clause

${sections.join('\n')}`

writeFileSync(new URL('../docs/POLICY.md', import.meta.url), doc)
console.log(`docs/POLICY.md: ${EXAMPLES.length} worked examples for ${CLAUSE_IDS.length} clauses`)
