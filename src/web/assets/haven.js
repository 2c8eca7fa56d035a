// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// The session-timeout warning (WCAG 2.2.1 Timing Adjustable): two minutes before the
// session ends, a dialog offers to keep it; at the end, the sign-in page.
const endsMeta = document.querySelector('meta[name="haven-session-ends"]')
const dialog = document.getElementById('haven-timeout')
if (endsMeta && dialog && typeof dialog.showModal === 'function') {
  const WARN_MS = 2 * 60 * 1000
  const left = dialog.querySelector('[data-timeout-left]')
  // The deadline on this device's clock: what the server says is left, from now here.
  const deadline = (endsIso, serverNowMs) =>
    Date.now() + (Date.parse(endsIso) - (Number.isNaN(serverNowMs) ? Date.now() : serverNowMs))
  let endsAt = deadline(
    endsMeta.getAttribute('content') ?? '',
    Date.parse(endsMeta.getAttribute('data-server-now') ?? ''),
  )
  let timer
  const words = (ms) => {
    const minutes = Math.max(0, Math.ceil(ms / 60000))
    return minutes <= 1 ? '1 minute' : `${minutes} minutes`
  }
  const tick = () => {
    const remaining = endsAt - Date.now()
    if (remaining <= 0) {
      window.location.assign('/sign-in?timeout=1')
      return
    }
    if (remaining <= WARN_MS) {
      if (left) left.textContent = words(remaining)
      if (!dialog.open) dialog.showModal()
    }
    timer = window.setTimeout(tick, remaining <= WARN_MS ? 15000 : remaining - WARN_MS)
  }
  dialog.querySelector('[data-timeout-stay]')?.addEventListener('click', async () => {
    const response = await fetch('/api/auth/session', { credentials: 'same-origin' })
    if (!response.ok) {
      window.location.assign('/sign-in?timeout=1')
      return
    }
    const body = await response.json()
    endsAt = deadline(body.endsAt, Date.parse(response.headers.get('date') ?? ''))
    dialog.close()
    window.clearTimeout(timer)
    tick()
  })
  dialog.querySelector('[data-timeout-leave]')?.addEventListener('click', () => {
    document.querySelector('form[action="/sign-out"]')?.submit()
  })
  tick()
}
