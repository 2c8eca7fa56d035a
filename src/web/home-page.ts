import type { PublicCentre } from '../app/overview.ts'
import { html, type Html } from './html.ts'
import { layout } from './layout.ts'

export interface SignedIn {
  displayName: string
  centreName: string
  roles: string[]
  csrf: string
}

/**
 * The front page, open to anyone: the centres that chose to be listed, each by name with a
 * link to its published policy, and nothing about the installation (no counts of families or
 * sessions, no version, no database engine). Any other centre is reached by its own address.
 */
export function homePage(input: {
  centres: PublicCentre[]
  signedIn?: SignedIn | undefined
  navigation?: Html | undefined
}): Html {
  const demo = input.centres.some((centre) => centre.isDemo)
  return layout(
    'Haven',
    html`<h1 class="govuk-heading-xl">Haven</h1>
      <p class="govuk-body">
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
      ${
        input.centres.length === 0
          ? undefined
          : html`<h2 class="govuk-heading-m">Centres</h2>
              <ul class="govuk-list">
                ${input.centres.map(
                  (centre) =>
                    html`<li>${centre.name}${centre.isDemo ? html` <strong>(demo)</strong>` : undefined}:
                      <a class="govuk-link" href="/centres/${centre.slug}/policy">confidentiality policy<span class="govuk-visually-hidden"> of ${centre.name}</span></a></li>`,
                )}
              </ul>`
      }
      ${
        input.signedIn
          ? html`<p class="govuk-body">Signed in as <strong>${input.signedIn.displayName}</strong> (${input.signedIn.roles.join(', ')}) at ${input.signedIn.centreName}.</p>
            <p class="govuk-body">Your second factor: <a class="govuk-link" href="/second-factor/set-up">set up or replace your authenticator app</a> · <a class="govuk-link" href="/second-factor/recovery-codes">make new recovery codes</a>.</p>
            <form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${input.signedIn.csrf}"><button type="submit">Sign out</button></form>`
          : html`<p class="govuk-body"><a class="govuk-link" href="/sign-in">Sign in</a></p>`
      }`,
    html`Haven`,
    { centreName: input.signedIn?.centreName, navigation: input.navigation },
  )
}
