/**
 * The dashboard: plain DOM on top of the typed client. The API key lives in sessionStorage (this
 * tab only) and travels in the Authorization header, never in a URL. Progress is live: job event
 * streams are read with fetch, since EventSource cannot send the header. Views are hash routes:
 * #/ jobs, #/jobs/{id}, #/new, #/schedules, #/queue, #/datasets/{id}.
 */
import { createClient, JobQueueError } from '../src/client/index.ts';
import { datasetView, queueView, schedulesView } from './admin-views.ts';
import { byId, h } from './dom.ts';
import { jobView } from './job-view.ts';
import { jobsView } from './jobs-view.ts';
import { newJobView } from './new-job.ts';
import { message, setClient, showPaused, signedIn } from './session.ts';

const KEY_STORAGE = 'datacloak-api-key';
/** Where `npm run dev` runs; its key is no secret there, so the sign-in offers it. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const LOCAL_KEY = 'local-dev-key';

/** Aborts every stream of the view being left. */
let viewStreams = new AbortController();

async function signIn(key: string): Promise<void> {
  const candidate = createClient({ url: location.origin, key });
  const [stats, schemas] = await Promise.all([candidate.stats(), candidate.jobDataSchemas()]); // proves the key before anything is shown
  setClient(candidate, schemas);
  sessionStorage.setItem(KEY_STORAGE, key);
  byId('sign-in').hidden = true;
  byId('view').hidden = false;
  byId('sign-out').hidden = false;
  for (const link of document.querySelectorAll<HTMLElement>('[data-nav]')) link.hidden = false;
  showPaused(stats.paused);
  await route();
}

function signOut(): void {
  viewStreams.abort();
  setClient(null);
  sessionStorage.removeItem(KEY_STORAGE);
  byId('view').hidden = true;
  byId('view').replaceChildren();
  byId('sign-out').hidden = true;
  for (const link of document.querySelectorAll<HTMLElement>('[data-nav]')) link.hidden = true;
  byId('sign-in').hidden = false;
  byId<HTMLInputElement>('api-key').value = '';
  byId('api-key').focus();
}

function signInError(error: unknown): string {
  if (error instanceof JobQueueError && error.code === 'UNAUTHORIZED') return 'That API key was not accepted.';
  if (error instanceof JobQueueError && error.code === 'NETWORK_ERROR') return 'The service cannot be reached.';
  return `Sign-in failed: ${message(error)}`;
}

/** Marks the current section in the navigation. */
function markNav(section: string): void {
  for (const link of document.querySelectorAll<HTMLElement>('[data-nav]')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route(): Promise<void> {
  if (!signedIn()) return;
  viewStreams.abort();
  viewStreams = new AbortController();
  const signal = viewStreams.signal;
  const root = byId('view');
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  try {
    if (parts[0] === 'jobs' && parts[1]) {
      markNav('jobs');
      await jobView(root, parts[1], signal);
    } else if (parts[0] === 'new') {
      markNav('new');
      await newJobView(root, new URLSearchParams(search));
    } else if (parts[0] === 'schedules') {
      markNav('schedules');
      await schedulesView(root);
    } else if (parts[0] === 'queue') {
      markNav('queue');
      await queueView(root);
    } else if (parts[0] === 'datasets' && parts[1]) {
      markNav('jobs');
      await datasetView(root, parts[1]);
    } else {
      markNav('jobs');
      await jobsView(root, signal);
    }
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof JobQueueError && error.code === 'UNAUTHORIZED') return signOut();
    root.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Error: ${message(error)}`), h('p', {}, h('a', { href: '#/' }, 'Back to the jobs')));
  }
}

function wire(): void {
  byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const error = byId('sign-in-error');
    error.textContent = '';
    signIn(byId<HTMLInputElement>('api-key').value.trim()).catch((e: unknown) => {
      setClient(null);
      error.textContent = signInError(e);
      byId('api-key').focus();
    });
  });
  if (LOCAL_HOSTS.includes(location.hostname)) {
    byId('local-key-hint').hidden = false;
    byId('use-local-key').addEventListener('click', () => {
      byId<HTMLInputElement>('api-key').value = LOCAL_KEY;
      byId<HTMLFormElement>('sign-in-form').requestSubmit();
    });
  }
  byId('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => void route());

  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) signIn(saved).catch(signOut);
}

wire();
