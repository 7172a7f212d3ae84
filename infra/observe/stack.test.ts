import { parse } from 'yaml';
import { loadProfiles } from '../prometheus/profiles';
import { render, renderConfigs } from './stack';

test('templates: every placeholder filled, an unknown one is an error', () => {
  expect(render('a ${X} b', { X: 1 })).toBe('a 1 b');
  expect(() => render('${NOPE}', {})).toThrow(/NOPE/);
});

test('the rendered configurations scrape the service, load the generated rules and route pages to the webhook with a key file', () => {
  const opts = { profile: 'drill' as const, prometheusPort: 9990, alertmanagerPort: 9993, target: '127.0.0.1:8080', webhookUrl: 'http://127.0.0.1:8080/v1/ops/alertmanager', webhookKey: 'tf_secret' };
  const cfg = renderConfigs(opts, '/tmp/obs', loadProfiles().drill);
  expect(cfg.prometheus + cfg.alertmanager).not.toContain('tf_secret');
  const prom = parse(cfg.prometheus);
  expect(prom.global).toMatchObject({ scrape_interval: '1s', evaluation_interval: '1s' });
  expect(prom.rule_files[0]).toMatch(/infra\/prometheus\/drill\/slo-rules\.yml$/);
  expect(prom.scrape_configs[0]).toMatchObject({ job_name: 'trust', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:8080'] }] });
  expect(prom.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['127.0.0.1:9993']);
  const am = parse(cfg.alertmanager);
  expect(am.route).toMatchObject({ group_wait: '1s', group_interval: '2s', repeat_interval: '1m' });
  expect(am.route.routes[0]).toEqual({ receiver: 'trust-pages', matchers: ['severity="page"'] });
  expect(am.receivers[0].webhook_configs[0]).toMatchObject({ url: opts.webhookUrl, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: '/tmp/obs/webhook.key' } } });
  const live = parse(renderConfigs({ ...opts, profile: 'live' }, '/tmp/obs', loadProfiles().live).prometheus);
  expect(live.rule_files[0]).toMatch(/infra\/prometheus\/slo-rules\.yml$/);
});
