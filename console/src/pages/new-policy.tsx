/**
 * New policy from bundles: a bundle picker, each picked bundle's parameters as a form generated from
 * its parameter schema (defaults, help text in the chosen locale), and the API's field errors shown
 * next to their fields. Every save is a recorded draft (the author analytics count them).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, canWrite, type FieldProblem, type Session } from '../api';
import { href } from '../app';
import { openAuthoringSession, SAMPLE_REQUEST } from '../lac';
import { ErrorBox, Loading, Section, useAsync } from '../ui';

interface JsonSchema { type?: string; items?: { type?: string; enum?: string[] }; minimum?: number; default?: unknown; description?: string; additionalProperties?: unknown }
interface Bundle {
  name: string;
  latest: string;
  summary: string;
  paramsSchema: { properties: Record<string, JsonSchema>; required: string[] };
  params: Record<string, { type: string; default?: unknown; required: boolean; doc: string }>;
}

type Widget = 'strings' | 'levels' | 'integer' | 'string' | 'json';
const widgetOf = (s: JsonSchema): Widget =>
  s.type === 'array' ? (s.items?.enum ? 'levels' : 'strings') : s.type === 'integer' ? 'integer' : s.type === 'string' ? 'string' : 'json';

/** The text a field shows for a value. */
const toText = (w: Widget, v: unknown) => (v === undefined ? '' : w === 'strings' ? (v as string[]).join(', ') : w === 'json' ? JSON.stringify(v) : w === 'levels' ? '' : String(v));
/** The value a field's text stands for (undefined: leave the parameter out). */
function fromText(w: Widget, text: string): unknown {
  const t = text.trim();
  if (w === 'strings') return t === '' ? [] : t.split(',').map((x) => x.trim()).filter(Boolean);
  if (w === 'integer') return t === '' ? undefined : /^-?\d+$/.test(t) ? Number(t) : t; // a non-number goes to the API, which says what is wrong
  if (w === 'json') {
    if (t === '') return undefined;
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  return t === '' ? undefined : t;
}

const fieldId = (...parts: (string | number)[]) => `f-${parts.join('-').replace(/[^\w-]/g, '_')}`;

export function NewPolicy({ session, locale }: { session: Session; locale: string }) {
  const bundles = useAsync(() => api<{ bundles: Bundle[] }>('GET', '/v1/lac/bundles'), [locale]);
  const [picked, setPicked] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, Record<string, string | string[]>>>({});
  const [meta, setMeta] = useState({ id: '', version: '1.0.0', mode: 'enforce', default: 'deny', description: '' });
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<{ policyId: string; version: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const byName = useMemo(() => new Map((bundles.data?.bundles ?? []).map((b) => [b.name, b])), [bundles.data]);
  const [touched, setTouched] = useState(false);
  const [checking, setChecking] = useState(false);
  // Every change and every save takes a number; only the newest one's answer is shown.
  const seq = useRef(0);
  // Opening the editor starts an authoring session, recorded by the API: time-to-author counts from here.
  const [sessionId, setSessionId] = useState<string>();
  useEffect(() => {
    if (canWrite(session)) openAuthoringSession().then(setSessionId, setError);
  }, [session.tenant]); // eslint-disable-line react-hooks/exhaustive-deps

  // Live validation: the document is checked as it is edited by deciding the sample request with it
  // inline (POST /v1/lac/decide records nothing for an inline document); its problems come back
  // under `policy.` and are shown next to their fields. Saving records the draft.
  useEffect(() => {
    if (!touched || !bundles.data) return;
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      setChecking(true);
      api('POST', '/v1/lac/decide', { policy: document(), request: SAMPLE_REQUEST(session.tenant) }).then(
        () => mine === seq.current && setProblems([]),
        (err) => {
          if (mine !== seq.current) return;
          if (err instanceof ApiError && err.status === 400) {
            const own = err.problems.filter((p) => p.field.startsWith('policy.')).map((p) => ({ ...p, field: p.field.slice('policy.'.length) }));
            setProblems(own);
          }
        },
      ).finally(() => mine === seq.current && setChecking(false));
    }, 400);
    return () => clearTimeout(timer);
  }, [touched, meta, picked, values, locale]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!canWrite(session)) return <><h1>New policy</h1><p>Auditors cannot draft policies.</p></>;
  if (bundles.loading && !bundles.data) return <Loading what="bundles" />;
  if (bundles.error) return <ErrorBox error={bundles.error} />;

  const toggle = (name: string, on: boolean) => {
    setTouched(true);
    setPicked((p) => (on ? [...p, name] : p.filter((x) => x !== name)));
    if (on && !values[name]) {
      const b = byName.get(name)!;
      const init: Record<string, string | string[]> = {};
      for (const [k, s] of Object.entries(b.paramsSchema.properties)) {
        const w = widgetOf(s);
        init[k] = w === 'levels' ? ((s.default as string[]) ?? []) : toText(w, s.default);
      }
      setValues((v) => ({ ...v, [name]: init }));
    }
  };
  const document = () => ({
    id: meta.id,
    version: meta.version,
    mode: meta.mode,
    default: meta.default,
    ...(meta.description ? { description: meta.description } : {}),
    bundles: picked.map((name) => {
      const b = byName.get(name)!;
      const params: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(b.paramsSchema.properties)) {
        const w = widgetOf(s);
        const raw = values[name]?.[k];
        const v = w === 'levels' ? raw : fromText(w, (raw as string) ?? '');
        if (v !== undefined) params[k] = v;
      }
      return { ref: `${name}@^${b.latest.split('.')[0]}`, params };
    }),
  });
  const problemsAt = (field: string) => problems.filter((p) => p.field === field);
  const paramProblems = (i: number, k: string) => problems.filter((p) => p.field === `bundles[${i}].params.${k}` || p.field.startsWith(`bundles[${i}].params.${k}[`) || p.field.startsWith(`bundles[${i}].params.${k}.`));
  const isPlaced = (p: FieldProblem) =>
    ['id', 'version', 'description'].includes(p.field) ||
    picked.some((name, i) => Object.keys(byName.get(name)?.paramsSchema.properties ?? {}).some((k) => paramProblems(i, k).includes(p)));
  const problemList = (list: FieldProblem[], id: string) => {
    return list.length ? (
      <ul class="field-error" id={id} data-testid="field-error">
        {list.map((p) => (
          <li>{p.problem}</li>
        ))}
      </ul>
    ) : null;
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const mine = ++seq.current;
    setBusy(true);
    setError(undefined);
    try {
      const sid = sessionId ?? (await openAuthoringSession());
      setSessionId(sid);
      const r = await api<{ policyId: string; version: string }>('POST', '/v1/lac/policies', document(), { headers: { 'x-lac-session': sid } });
      if (mine === seq.current) setProblems([]);
      setSaved(r);
      // The Studio's preview and promotion of this policy carry the same session.
      sessionStorage.setItem(`tf-lac-session:${r.policyId}`, sid);
    } catch (err) {
      setSaved(null);
      if (err instanceof ApiError && err.problems.length) {
        if (mine === seq.current) setProblems(err.problems);
      }
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  const metaField = (k: keyof typeof meta, label: string, help: string) => {
    const list = problemsAt(k);
    return (
      <div class="field">
        <label for={fieldId('meta', k)}>{label}</label>
        <input id={fieldId('meta', k)} value={meta[k]} aria-invalid={list.length ? 'true' : undefined} aria-describedby={`${fieldId('meta', k)}-help ${fieldId('meta', k)}-err`}
          onInput={(e) => {
            setTouched(true);
            setMeta({ ...meta, [k]: (e.target as HTMLInputElement).value });
          }} data-testid={`meta-${k}`} />
        <small id={`${fieldId('meta', k)}-help`}>{help}</small>
        {problemList(list, `${fieldId("meta", k)}-err`)}
      </div>
    );
  };
  const form = (
    <form onSubmit={save} aria-label="New policy" noValidate>
      <Section title="Policy" id="meta">
        {metaField('id', 'Policy id', 'lowercase letters, digits and dashes, e.g. analytics-access')}
        {metaField('version', 'Version', 'semantic version, e.g. 1.0.0')}
        <div class="field">
          <label for="f-meta-mode">Mode</label>
          <select id="f-meta-mode" value={meta.mode} onChange={(e) => setMeta({ ...meta, mode: (e.target as HTMLSelectElement).value })}>
            <option value="enforce">enforce</option>
            <option value="shadow">shadow</option>
          </select>
        </div>
        <div class="field">
          <label for="f-meta-default">Default decision</label>
          <select id="f-meta-default" value={meta.default} onChange={(e) => setMeta({ ...meta, default: (e.target as HTMLSelectElement).value })}>
            <option value="deny">deny</option>
            <option value="allow">allow</option>
          </select>
        </div>
        {metaField('description', 'Description', 'what the policy is for, in a sentence')}
      </Section>
      <Section title="Bundles" id="bundles">
        <fieldset>
          <legend>Pick the bundles the policy is built from</legend>
          <ul class="bundles">
            {bundles.data!.bundles.map((b) => (
              <li>
                <label class="check">
                  <input type="checkbox" checked={picked.includes(b.name)} onChange={(e) => toggle(b.name, (e.target as HTMLInputElement).checked)} data-testid={`bundle-${b.name}`} />
                  <strong>{b.name}</strong> <span class="muted">@{b.latest}</span> — {b.summary}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      </Section>
      {picked.map((name, i) => {
        const b = byName.get(name)!;
        return (
          <Section title={`${name} parameters`} id={fieldId('bundle', name)}>
            {Object.keys(b.paramsSchema.properties).length === 0 && <p class="muted">No parameters.</p>}
            {Object.entries(b.paramsSchema.properties).map(([k, s]) => {
              const w = widgetOf(s);
              const id = fieldId(name, k);
              const list = paramProblems(i, k);
              const doc = b.params[k]?.doc ?? s.description ?? '';
              const v = values[name]?.[k];
              const set = (nv: string | string[]) => {
                setTouched(true);
                setValues((all) => ({ ...all, [name]: { ...all[name], [k]: nv } }));
              };
              const common = { id, 'aria-invalid': list.length ? ('true' as const) : undefined, 'aria-describedby': `${id}-help ${id}-err`, 'data-testid': `param-${name}-${k}` };
              return (
                <div class="field">
                  {w === 'levels' ? (
                    <fieldset aria-describedby={`${id}-help ${id}-err`}>
                      <legend>{k}{b.params[k]?.required ? ' (required)' : ''}</legend>
                      {(s.items?.enum ?? []).map((lvl) => (
                        <label class="check">
                          <input type="checkbox" checked={(v as string[]).includes(lvl)} onChange={(e) => set((e.target as HTMLInputElement).checked ? [...(v as string[]), lvl] : (v as string[]).filter((x) => x !== lvl))} /> {lvl}
                        </label>
                      ))}
                    </fieldset>
                  ) : (
                    <>
                      <label for={id}>{k}{b.params[k]?.required ? ' (required)' : ''}</label>
                      {w === 'json' ? (
                        <textarea {...common} rows={3} class="code" value={v as string} onInput={(e) => set((e.target as HTMLTextAreaElement).value)} />
                      ) : (
                        <input {...common} inputMode={w === 'integer' ? 'numeric' : undefined} value={v as string} onInput={(e) => set((e.target as HTMLInputElement).value)} />
                      )}
                    </>
                  )}
                  <small id={`${id}-help`}>
                    {doc}
                    {w === 'strings' ? ' — comma-separated' : w === 'json' ? ' — JSON object' : ''}
                  </small>
                  {problemList(list, `${id}-err`)}
                </div>
              );
            })}
          </Section>
        );
      })}
      <p class="actions">
        <button type="submit" disabled={busy} data-testid="save-draft">Save draft</button>
        <span class="muted" aria-live="polite" data-testid="live-state">
          {checking ? 'checking…' : touched && problems.length === 0 ? 'no problem found so far' : ''}
        </span>
      </p>
    </form>
  );
  const unplaced = problems.filter((p) => !isPlaced(p));
  return (
    <>
      <h1>New policy from bundles</h1>
      {form}
      {problems.length > 0 && (
        <div class="error" role="alert" data-testid="problems">
          <strong>{problems.length} problem{problems.length > 1 ? 's' : ''}</strong> — shown next to their fields
          {unplaced.length > 0 && (
            <ul>
              {unplaced.map((p) => (
                <li><code>{p.field}</code> {p.problem}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ErrorBox error={error} />
      {saved && (
        <p role="status" class="ok-text" data-testid="saved">
          Draft {saved.policyId} {saved.version} is valid. <a href={href('studio', saved.policyId, saved.version)} data-testid="open-saved">Open it in the Studio</a> to test, preview and promote.
        </p>
      )}
    </>
  );
}
