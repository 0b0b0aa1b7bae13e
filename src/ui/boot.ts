// What the page does before anything else loads (main.ts imports it first): it makes the
// browser's language tag one that Intl accepts, and it shows any error thrown while the page
// starts, so that a start-up failure is never a page stuck at "Looking for a WebGPU adapter…".
//
// Under a C or POSIX locale (LANG=C.UTF-8, the default in containers) Chromium reports
// navigator.language as "en-US@posix", which Intl.NumberFormat rejects; the chart library
// formats numbers with navigator.language and would throw while its module loads.

/** `tag` if Intl accepts it; else the tag without its "@…" suffix and with "-" for "_"; else "en-US". */
export function validLocale(tag: string | undefined): string {
  for (const candidate of [tag, tag?.split('@')[0].replaceAll('_', '-')]) {
    if (!candidate || candidate === 'C' || candidate === 'POSIX') continue;
    try {
      new Intl.NumberFormat(candidate);
      return candidate;
    } catch {
      // not a tag Intl knows: try the next
    }
  }
  return 'en-US';
}

/** Makes navigator.language (and navigator.languages) tags that Intl accepts, where they are not. */
export function repairLocale(nav: Navigator = navigator): void {
  const language = validLocale(nav.language);
  const languages = (nav.languages ?? []).map(validLocale);
  if (language === nav.language && languages.every((l, i) => l === nav.languages[i])) return;
  Object.defineProperty(nav, 'language', { value: language, configurable: true });
  Object.defineProperty(nav, 'languages', { value: Object.freeze(languages.length > 0 ? languages : [language]), configurable: true });
}

const WHAT_TO_DO =
  'Reload the page. If this happens again, try the latest Chrome or Edge, and report this message with your browser and system.';

let started = false;

/** Shows a start-up failure on the page: the error's message and what to do. */
export function showStartupError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const banner = document.getElementById('startup-error');
  const text = document.getElementById('startup-error-message');
  if (banner && text) {
    text.textContent = `${message.replace(/\.$/, '')}. ${WHAT_TO_DO}`;
    banner.hidden = false;
  }
  const adapter = document.getElementById('adapter');
  if (adapter) {
    adapter.textContent = 'The page could not start';
    adapter.dataset.state = 'error';
  }
}

/** Called once the page has started (its adapter found or found missing): errors after this are the app's to show. */
export function startupFinished(): void {
  started = true;
}

function onError(ev: ErrorEvent): void {
  if (!started) showStartupError(ev.error ?? ev.message);
}

function onRejection(ev: PromiseRejectionEvent): void {
  if (!started) showStartupError(ev.reason);
}

if (typeof window !== 'undefined') {
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  repairLocale();
}
