/**
 * The clauses of the five seed policies (docs/CLAUSES.md), by stable id. Every
 * decision names the clauses that determined it.
 */
export const CLAUSE_IDS = [
  'NDX',
  'GUIDE',
  'NOREPORT',
  'ATTEND',
  'CONTACT',
  'EXCEPT',
  'ASSESS',
  'CHECKS',
  'SECURE',
  'RETAIN',
  'AWARE',
  'REVIEW',
  'DPA',
  'SAR',
] as const

export type ClauseId = (typeof CLAUSE_IDS)[number]

export const CLAUSE_TITLES: Readonly<Record<ClauseId, string>> = {
  NDX: 'Family details are not discussed or disclosed outside the centre',
  GUIDE: 'A worker who needs to discuss a situation asks the coordinator',
  NOREPORT: 'No verbal or written reports for family proceedings',
  ATTEND: 'Dates and times of attendance go to the referring agency on request, and nothing else',
  CONTACT: "A parent's address and telephone number go to no one without that parent's permission",
  EXCEPT:
    'Confidentiality yields when a child is at risk of harm, or anyone is at risk of violence',
  ASSESS: 'No family assessments on the premises without an agreement',
  CHECKS: 'Every worker is checked before starting; results are seen only by named roles',
  SECURE: 'All family and worker information is kept secure',
  RETAIN:
    'Information not used for a number of years is destroyed, except what is kept indefinitely',
  AWARE: 'Everyone knows the policy and can see it on request',
  REVIEW: 'The policy is reviewed annually',
  DPA: 'Data protection principles',
  SAR: 'People may learn what data the centre holds about them',
}
