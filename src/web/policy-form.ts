import {
  CHECK_BEFORE,
  CHECK_KINDS,
  CHECK_LEVELS,
  EXCEPTION_RECIPIENTS,
  RECORD_CATEGORIES,
} from '../domain/policy/document.ts'
import { CATEGORY_WORDS, RECIPIENT_WORDS, ROLE_WORDS } from '../domain/policy/words.ts'
import { ROLES } from '../domain/roles.ts'
import type { Html } from './html.ts'
import { html } from './html.ts'
import { choiceField, textField, type FormError } from './page-kit.ts'

/**
 * Every parameter of the policy as a form field, GOV.UK style: checkboxes for lists, radios
 * for a choice or yes and no, number inputs. A field is named by its parameter's path with
 * dashes (`contactDetails-revealRoles`), so a problem the policy's validation names
 * (`parameters.contactDetails.revealRoles`) is shown against its field.
 */
type Options = readonly (readonly [string, string])[]
interface FieldSpec {
  path: string
  label: string
  hint?: string
  kind: 'list' | 'choice' | 'yesno' | 'number'
  options?: Options
  /** Lists: how many must be chosen. Numbers: the bounds. */
  min?: number
  max?: number
  isOptional?: boolean
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
/** Every role, in the words the policy uses for it ("The Chair of the Management Committee"). */
const ROLE_OPTIONS: Options = ROLES.map((role) => [role, capitalise(ROLE_WORDS[role] ?? role)])
const roles = (path: string, label: string, min = 1): FieldSpec => ({
  path,
  label,
  kind: 'list',
  options: ROLE_OPTIONS,
  min,
})

export const POLICY_FIELDS: readonly { heading: string; fields: readonly FieldSpec[] }[] = [
  {
    heading: 'Keeping family details private (NDX) and guidance (GUIDE)',
    fields: [
      roles('confidentiality.exportRoles', 'Who may export, print or share family data (NDX)'),
      roles('guidance.answeredBy', "Who answers workers' requests for guidance (GUIDE)"),
    ],
  },
  {
    heading: 'Attendance (ATTEND) and contact details (CONTACT)',
    fields: [
      {
        path: 'attendance.nothingElseUnlessException',
        label:
          'Referring agencies get attendance and nothing else, unless someone is at risk (ATTEND)',
        kind: 'yesno',
      },
      {
        path: 'contactDetails.isExplicitPermission',
        label:
          "Only a parent's explicit permission counts: a consent given in writing, or in Haven by the parent themselves (CONTACT)",
        kind: 'yesno',
      },
      {
        path: 'contactDetails.hasRequiredByLaw',
        label:
          "A parent's contact details may go without their permission where the law requires it, with the legal basis recorded (CONTACT)",
        kind: 'yesno',
      },
      roles(
        'contactDetails.revealRoles',
        "Who may reveal a parent's contact details, giving a reason (CONTACT)",
      ),
    ],
  },
  {
    heading: 'When confidentiality must be broken (EXCEPT)',
    fields: [
      {
        path: 'exceptions.recipients',
        label: 'Who may be told (EXCEPT)',
        kind: 'list',
        options: EXCEPTION_RECIPIENTS.map((r) => [r, capitalise(RECIPIENT_WORDS[r] ?? r)] as const),
        min: 1,
      },
      roles('exceptions.authorisedBy', 'Who authorises the disclosure (EXCEPT)'),
      roles('exceptions.notify', 'Who is told that a disclosure was made (EXCEPT)', 0),
      roles('exceptions.concernsVisibleTo', 'Who sees safeguarding concerns (EXCEPT)'),
    ],
  },
  {
    heading: 'Assessments (ASSESS)',
    fields: [
      roles('assessments.approvedBy', 'Who approves an agreement for an assessment (ASSESS)'),
      {
        path: 'assessments.place',
        label: 'Where an assessment needs that agreement (ASSESS)',
        kind: 'choice',
        options: [
          ['premises', 'Anywhere on the premises'],
          [
            'contact_rooms',
            'In the contact rooms (only an agreement for the contact rooms counts)',
          ],
        ],
      },
    ],
  },
  {
    heading: 'Checks on workers (CHECKS) and security (SECURE)',
    fields: [
      {
        path: 'checks.kind',
        label: 'The check that counts (CHECKS)',
        kind: 'choice',
        options: CHECK_KINDS.map(
          (k) =>
            [
              k,
              k === 'dbs'
                ? 'A DBS check'
                : 'A DBS check, or a certificate from the Criminal Records Bureau',
            ] as const,
        ),
      },
      {
        path: 'checks.level',
        label: 'The level of check (CHECKS)',
        kind: 'choice',
        options: CHECK_LEVELS.map((l) => [l, `${capitalise(l)} or higher`] as const),
      },
      {
        path: 'checks.before',
        label: 'When the check must be clear (CHECKS)',
        kind: 'choice',
        options: CHECK_BEFORE.map(
          (b) =>
            [
              b,
              {
                starting: 'Before starting',
                taking_up_post: 'Before taking up post',
                appointment: 'Before appointment',
                becoming_full_volunteer:
                  'Before becoming a full volunteer: until then, a volunteer whose check is under way only shadows a checked worker',
              }[b],
            ] as const,
        ),
      },
      roles('checks.resultsVisibleTo', 'Who sees check results (CHECKS)'),
      {
        path: 'checks.renewalMonths',
        label: 'Months a check counts before it must be renewed (CHECKS)',
        kind: 'number',
        min: 1,
        max: 120,
      },
      roles('security.secondFactorRoles', 'Who signs in with a second factor (SECURE)', 0),
    ],
  },
  {
    heading: 'Keeping and destroying information (RETAIN)',
    fields: [
      {
        path: 'retention.years',
        label: 'Years unused before information is destroyed (RETAIN)',
        kind: 'number',
        min: 1,
        max: 100,
      },
      {
        path: 'retention.keptIndefinitely',
        label: 'What is kept indefinitely (RETAIN)',
        kind: 'list',
        options: RECORD_CATEGORIES.map((c) => [c, capitalise(CATEGORY_WORDS[c] ?? c)] as const),
        min: 0,
      },
      roles('retention.approvedBy', 'Who approves destroying records (RETAIN)'),
      {
        path: 'retention.isAutomatic',
        label: 'Destroy without an approval each time (RETAIN)',
        kind: 'yesno',
      },
    ],
  },
  {
    heading: 'The policy itself (AWARE, REVIEW) and subject access (SAR)',
    fields: [
      {
        path: 'awareness.workersSign',
        label: 'Workers sign each new version (AWARE)',
        kind: 'yesno',
      },
      {
        path: 'review.intervalMonths',
        label: 'Months between reviews of the policy (REVIEW)',
        kind: 'number',
        min: 1,
        max: 24,
      },
      {
        path: 'subjectAccess.hasViolentCrimeExemption',
        label: 'Information held to prevent violent crime may be withheld (SAR)',
        kind: 'yesno',
      },
      {
        path: 'subjectAccess.childrenMayAskUntilAge',
        label: 'The age up to which children may ask for their records (SAR)',
        hint: 'Leave this empty if the policy names no age.',
        kind: 'number',
        min: 18,
        max: 30,
        isOptional: true,
      },
    ],
  },
]

const FIELDS = POLICY_FIELDS.flatMap((group) => group.fields)

/** The field's name on the form: the parameter's path with dashes. */
export const fieldName = (path: string): string => path.replaceAll('.', '-')

/** The field a problem's path (`parameters.contactDetails.revealRoles`) belongs to, if any. */
export function fieldOfProblem(path: string): string | undefined {
  const inner = path.replace(/^parameters\./, '')
  const spec = FIELDS.find((f) => inner === f.path || inner.startsWith(`${f.path}.`))
  return spec ? fieldName(spec.path) : undefined
}

/** The form's values: each field's chosen values (several for a list). */
export type PolicyFormValues = Readonly<Record<string, readonly string[]>>

function get(parameters: unknown, path: string): unknown {
  let value = parameters
  for (const key of path.split('.'))
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined
  return value
}

/** The values of a policy document, as the form shows them. */
export function formOf(document: { parameters: unknown }): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const f of FIELDS) {
    const value = get(document.parameters, f.path)
    out[fieldName(f.path)] = Array.isArray(value)
      ? value.map(String)
      : typeof value === 'boolean'
        ? [value ? 'yes' : 'no']
        : typeof value === 'number' || typeof value === 'string'
          ? [String(value)]
          : []
  }
  return out
}

/** The values posted, field by field. */
export function formValues(all: (name: string) => string[]): Record<string, string[]> {
  return Object.fromEntries(FIELDS.map((f) => [fieldName(f.path), all(fieldName(f.path))]))
}

/**
 * The next version: the current document with the form's values, or the first field whose
 * answer is not one the form offers. What the answers mean together (the clauses'
 * invariants) is the policy's validation, not the form's.
 */
export function documentFrom(
  current: Record<string, unknown> & { version: number },
  values: PolicyFormValues,
): { ok: true; document: Record<string, unknown> } | { ok: false; error: FormError } {
  const next = structuredClone(current) as Record<string, unknown> & {
    parameters: Record<string, Record<string, unknown>>
    version: number
  }
  for (const f of FIELDS) {
    const name = fieldName(f.path)
    const raw = (values[name] ?? []).map((v) => v.trim())
    const [group = '', key = ''] = f.path.split('.')
    const target = next.parameters[group] ?? {}
    next.parameters[group] = target
    const allowed = (f.options ?? []).map(([value]) => value)
    if (f.kind === 'list') {
      if (raw.some((v) => !allowed.includes(v)))
        return { ok: false, error: { field: name, message: 'choose from the list' } }
      if (raw.length < (f.min ?? 0))
        return { ok: false, error: { field: name, message: 'choose at least one' } }
      const was = target[key]
      const isSame =
        Array.isArray(was) &&
        was.length === raw.length &&
        was.every((v) => typeof v === 'string' && raw.includes(v))
      // The same choices keep the order they were written in; new ones take the form's order.
      if (!isSame) target[key] = allowed.filter((v) => raw.includes(v))
    } else if (f.kind === 'choice') {
      const [value = ''] = raw
      if (!allowed.includes(value))
        return { ok: false, error: { field: name, message: 'choose one' } }
      target[key] = value
    } else if (f.kind === 'yesno') {
      const [value = ''] = raw
      if (value !== 'yes' && value !== 'no')
        return { ok: false, error: { field: name, message: 'choose yes or no' } }
      target[key] = value === 'yes'
    } else {
      const [value = ''] = raw
      if (value === '' && f.isOptional) {
        next.parameters[group] = Object.fromEntries(
          Object.entries(target).filter(([k]) => k !== key),
        )
        continue
      }
      const n = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN
      const [min = 1, max = 999] = [f.min, f.max]
      if (!(n >= min && n <= max))
        return {
          ok: false,
          error: {
            field: name,
            message: `enter a whole number from ${String(min)} to ${String(max)}`,
          },
        }
      target[key] = n
    }
  }
  next.version = current.version + 1
  return { ok: true, document: next }
}

/** Every field, grouped under headings, with the values shown and the error beside its field. */
export function policyFields(values: PolicyFormValues, error: FormError | undefined): Html {
  return html`${POLICY_FIELDS.map(
    (group) =>
      html`<h3 class="govuk-heading-s">${group.heading}</h3>${group.fields.map((f) => {
        const name = fieldName(f.path)
        const chosen = values[name] ?? []
        if (f.kind === 'number')
          return textField({
            name,
            label: f.label,
            hint: f.hint,
            type: 'number',
            value: chosen[0],
            error,
            width: 'govuk-input--width-5',
          })
        return choiceField({
          kind: f.kind === 'list' ? 'checkboxes' : 'radios',
          name,
          label: f.label,
          hint: f.hint,
          options:
            f.kind === 'yesno'
              ? [
                  ['yes', 'Yes'],
                  ['no', 'No'],
                ]
              : (f.options ?? []),
          values: chosen,
          isInline: f.kind === 'yesno',
          error,
        })
      })}`,
  )}`
}

/** The values again, hidden, for the next step of the form. */
export function hiddenValues(values: PolicyFormValues): Html {
  return html`${Object.entries(values).flatMap(([name, list]) =>
    list.map((value) => html`<input type="hidden" name="${name}" value="${value}">`),
  )}`
}
