import type { CentreOverview } from '../app/overview.ts'
import { html, type Html } from './html.ts'
import { layout } from './layout.ts'

export interface SignedIn {
  displayName: string
  centreName: string
  roles: string[]
  csrf: string
}

export function homePage(input: {
  centres: CentreOverview[]
  version: string
  dialect: string
  signedIn?: SignedIn | undefined
  navigation?: Html | undefined
}): Html {
  const rows = input.centres.map(
    (centre) =>
      html`<tr class="govuk-table__row">
        <td class="govuk-table__cell">${centre.name}${centre.isDemo ? html` <strong>(demo)</strong>` : undefined}
          <br><a href="/centres/${centre.slug}/policy">Confidentiality policy<span class="govuk-visually-hidden"> of ${centre.name}</span></a></td>
        <td class="govuk-table__cell">${centre.families}</td>
        <td class="govuk-table__cell">${centre.sessions}</td>
      </tr>`,
  )
  const demo = input.centres.some((centre) => centre.isDemo)
  return layout(
    'Haven',
    html`<h1 class="govuk-heading-xl">Haven</h1>
      <p>
        Records for a child contact centre, with the centre's confidentiality policy enforced and
        explained.
      </p>
      ${
        demo
          ? html`<p class="notice">
              This installation holds a <strong>demo centre</strong> of synthetic data: made-up
              families, addresses and phone numbers. No real person's data is here.
            </p>`
          : undefined
      }
      <h2 class="govuk-heading-m">Centres</h2>
      ${
        input.centres.length === 0
          ? html`<p>
              No centre yet. Create one with <code>haven centre create --name "Your centre"</code>.
            </p>`
          : html`<table class="govuk-table">
              <caption class="govuk-table__caption govuk-visually-hidden">
                Centres on this installation
              </caption>
              <thead>
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Centre</th>
                  <th scope="col" class="govuk-table__header">Families</th>
                  <th scope="col" class="govuk-table__header">Sessions</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
      ${
        input.signedIn
          ? html`<p>Signed in as <strong>${input.signedIn.displayName}</strong> (${input.signedIn.roles.join(', ')}) at ${input.signedIn.centreName}.</p>
            <form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${input.signedIn.csrf}"><button type="submit">Sign out</button></form>`
          : html`<p><a href="/sign-in">Sign in</a></p>`
      }
      <p>The health check is at <a href="/healthz">/healthz</a>.</p>`,
    html`Haven ${input.version} on ${input.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    { centreName: input.signedIn?.centreName, navigation: input.navigation },
  )
}
