// Decision 0039's figures: the time and size of a realistic subject access bundle as PDF. The
// bundle is built in memory (no database): a parent with two years of fortnightly sessions,
// three referrals, consents, disclosures, incidents with their written accounts and the items
// withheld, names and an address outside Latin-1. Prints the first render (fonts read and
// parsed), the fastest and the median of the next 30, and the size.
// Run: node bench/pdf.ts [module exporting renderPdf, default src/app/pdf.ts]
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { OutgoingDocument } from '../src/domain/outward/documents.ts'
import {
  subjectAccessDocument,
  type SubjectAccessBundle,
} from '../src/domain/outward/subject-access-bundle.ts'
import { STREETS, TOWNS } from '../src/domain/synthetic-names.ts'

type Render = (
  doc: OutgoingDocument,
  meta: { centreName: string; createdAt: Date },
) => Promise<Uint8Array>
const module = process.argv[2]
  ? pathToFileURL(path.resolve(process.argv[2])).href
  : new URL('../src/app/pdf.ts', import.meta.url).href
const { renderPdf } = (await import(module)) as { renderPdf: Render }

const day = (n: number): string =>
  new Date(Date.UTC(2024, 2, 2) + n * 86_400_000).toISOString().slice(0, 10)
const bundle: SubjectAccessBundle = {
  centreName: 'Ashbury Child Contact Centre',
  requestId: 'c0ffee00-0000-4000-8000-000000000001',
  compiledOn: '2026-03-02',
  subject: {
    'Given name': 'Thi',
    'Family name': 'Nguyễn',
    'Relationship to the children': 'mother',
    'Parental responsibility': 'yes',
    'Named to attend sessions': 'yes',
    Address: `14 ${STREETS[0]}\n${TOWNS[0]}\nQ1 7ZZ`,
    Telephone: '07700 900123',
    'E-mail': 'thi.nguyen@example.org',
    'Family reference': 'ZE26C00417',
  },
  sections: [
    {
      title: 'Referrals',
      rows: ['2024-02-12', '2025-01-20', '2025-09-08'].map((on, i) => ({
        Received: on,
        Status: i === 2 ? 'accepted' : 'closed',
        'Court order': 'Child arrangements order, Family Court at Łódź Street',
        History: `${on} received; ${on} assessed; ${on} accepted${i === 2 ? '' : '; closed'}`,
      })),
    },
    {
      title: 'Sessions',
      rows: Array.from({ length: 52 }, (_, i) => ({
        Date: day(i * 14),
        From: '10:00',
        To: '12:00',
        Status: i % 9 === 4 ? 'cancelled' : 'attended',
        ...(i % 9 === 4 ? {} : { 'You arrived': '09:52', 'You left': '12:05' }),
      })),
    },
    {
      title: 'Your consents',
      rows: ['attendance', 'contact_details', 'notes_or_reports'].map((category, i) => ({
        Category: category.replaceAll('_', ' '),
        Recipient: i === 1 ? 'Siân Llŷr, Cafcass' : 'Brackenford Family Law',
        Purpose: 'family proceedings',
        Given: day(i * 30),
        ...(i === 2 ? { Withdrawn: day(200) } : {}),
      })),
    },
    {
      title: 'Information shared or asked for',
      rows: Array.from({ length: 12 }, (_, i) => ({
        Asked: day(i * 55),
        Category: i % 3 === 0 ? 'contact details' : 'attendance',
        Recipient: i % 2 === 0 ? 'Brackenford Family Law' : 'Cinderhill Children’s Services',
        Purpose: 'family proceedings',
        Outcome: i % 4 === 3 ? 'refused' : 'released',
      })),
    },
    {
      title: 'Incidents recorded',
      rows: Array.from({ length: 20 }, (_, i) => ({
        Date: day(i * 35 + 3),
        Kind: i % 2 === 0 ? 'late arrival' : 'handover difficulty',
        Account:
          'At handover the child was upset and asked to wait in the Garden Room; a volunteer stayed with her until she was ready, and the session began twenty minutes late.',
      })),
    },
  ],
  withheld: [
    ...Array.from({ length: 10 }, () => ({
      item: 'the written account of an incident (it may name others)',
      recordId: undefined,
      ground: 'it may identify another person who has not consented',
      clause: 'SAR',
      kind: 'third_party_data' as const,
    })),
    {
      item: "the other parent's contact details",
      recordId: undefined,
      ground: "the other parent's contact details are never disclosed",
      clause: 'CONTACT',
      kind: 'other_parent_contact_details' as const,
    },
  ],
}
const doc = subjectAccessDocument(bundle)
const meta = { centreName: bundle.centreName, createdAt: new Date('2026-03-02T10:00:00Z') }

let started = performance.now()
const first = await renderPdf(doc, meta)
const firstMs = performance.now() - started
const times: number[] = []
for (let i = 0; i < 30; i++) {
  started = performance.now()
  await renderPdf(doc, meta)
  times.push(performance.now() - started)
}
times.sort((a, b) => a - b)
console.log(
  `first ${firstMs.toFixed(0)} ms, fastest ${(times[0] ?? 0).toFixed(1)} ms, median ${(times[15] ?? 0).toFixed(1)} ms, ${String(first.length)} bytes`,
)
