/** The console's shell: session, header (tenant, role, locale, sign out), navigation and a hash router. */
import { useEffect, useState } from 'preact/hooks';
import { loadSession, logout, mayReadOtherTenants, readTenant, setLocale, currentLocale, switchReadTenant, type Session } from './api';
import { ErrorBox, Loading } from './ui';
import { Home } from './pages/home';
import { PcqWorkbench } from './pages/pcq';
import { ZkJobs } from './pages/zk';
import { StudioPolicies, StudioPolicy } from './pages/studio';
import { NewPolicy } from './pages/new-policy';
import { Analytics } from './pages/analytics';

export type Route = { page: string; params: string[]; query: URLSearchParams };

export function parseHash(hash: string): Route {
  const [path, q = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? '', params: parts.slice(1), query: new URLSearchParams(q) };
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

const NAV: { page: string; label: string; link: string }[] = [
  { page: '', label: 'Home', link: '#/' },
  { page: 'studio', label: 'LAC Studio', link: '#/studio' },
  { page: 'analytics', label: 'Author analytics', link: '#/analytics' },
  { page: 'pcq', label: 'PCQ workbench', link: '#/pcq' },
  { page: 'zk', label: 'ZK-TX jobs', link: '#/zk' },
];

const TITLES: Record<string, string> = { '': 'Home', studio: 'LAC Studio', new: 'New policy', analytics: 'Author analytics', pcq: 'PCQ workbench', zk: 'ZK-TX jobs' };

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const [route, setRoute] = useState(parseHash(location.hash));
  const [locale, setLoc] = useState(currentLocale());
  const [, setReading] = useState('');
  useEffect(() => {
    loadSession().then((s) => {
      if (!s) location.assign('/ui/login?next=%2Fui%2F');
      setSession(s);
    }, setError);
    const onHash = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = `${TITLES[route.page] ?? 'Console'} · Trust Fabric`;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.page, route.params.join('/')]);

  if (error) return <main id="main"><ErrorBox error={error} /></main>;
  if (!session) return <main id="main"><Loading what="your session" /></main>;
  const changeLocale = (l: string) => {
    setLocale(l);
    setLoc(l);
  };
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">Trust Fabric</span>
        <nav aria-label="Console">
          <ul>
            {NAV.map((n) => (
              <li>
                <a href={n.link} aria-current={route.page === n.page || (n.page === 'studio' && route.page === 'new') ? 'page' : undefined}>{n.label}</a>
              </li>
            ))}
            <li><a href="/ui/ops/slo">Ops SLO</a></li>
            <li><a href="/ui/pcq/timeline">PCQ timeline</a></li>
          </ul>
        </nav>
        <div class="who" data-testid="who">
          <span>tenant <strong data-testid="tenant">{session.tenant}</strong></span>
          <span>role <strong data-testid="role">{session.role}</strong></span>
          {mayReadOtherTenants(session) && <TenantSwitch session={session} onSwitch={setReading} />}
          <label>
            <span class="sr-only">Language</span>
            <select value={locale} onChange={(e) => changeLocale((e.target as HTMLSelectElement).value)} aria-label="Language of messages">
              <option value="en">English</option>
              <option value="fr">Français</option>
            </select>
          </label>
          <button type="button" class="link" onClick={() => logout().then(() => location.assign('/ui/login?next=%2Fui%2F'))}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} session={session} locale={locale} />
      </main>
    </div>
  );
}

/**
 * Auditors and admins read every tenant (the API's ?tenant=, as on GET /v1/events): the Studio,
 * analytics, PCQ workbench and ZK-TX pages then show the tenant named here, in this tab only. Producers read their own.
 */
function TenantSwitch({ session, onSwitch }: { session: Session; onSwitch: (tenant: string) => void }) {
  const [value, setValue] = useState(readTenant(session));
  const reading = readTenant(session);
  return (
    <form
      class="tenant-switch"
      aria-label="Tenant to read"
      onSubmit={(e) => {
        e.preventDefault();
        switchReadTenant(session, value.trim());
        onSwitch(readTenant(session));
      }}
    >
      <label for="read-tenant">reading</label>
      <input id="read-tenant" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} maxLength={128} data-testid="read-tenant-input" />
      <button type="submit" data-testid="read-tenant-go">Read</button>
      {reading !== session.tenant && <strong data-testid="read-tenant">reading {reading}</strong>}
    </form>
  );
}

function Page({ route, session, locale }: { route: Route; session: Session; locale: string }) {
  switch (route.page) {
    case '':
      return <Home session={session} />;
    case 'pcq':
      return <PcqWorkbench session={session} route={route} />;
    case 'zk':
      return <ZkJobs session={session} />;
    case 'studio':
      return route.params[0] ? <StudioPolicy session={session} policyId={route.params[0]} version={route.params[1]} key={route.params.join('/')} /> : <StudioPolicies session={session} />;
    case 'new':
      return <NewPolicy session={session} locale={locale} />;
    case 'analytics':
      return <Analytics session={session} />;
    default:
      return (
        <>
          <h1>Not found</h1>
          <p>
            No console page here. <a href="#/">Home</a>
          </p>
        </>
      );
  }
}
