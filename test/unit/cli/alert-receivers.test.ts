// The receiver rules doctor and `secret --env` apply (the same table test/ops runs through entrypoint.sh), and the
// parsers `alert-test` reads Alertmanager with.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiverError, checkReceivers } from '../../../src/cli/alert-receivers.js';
import { notificationCounters, outcome, receiverIntegrations } from '../../../src/cli/alertmanager-api.js';
import { INVALID, VALID } from '../../helpers/alert-receiver-cases.js';

describe('alert receivers', () => {
  it('accepts every real receiver variant, with its integrations', () => {
    for (const c of VALID) {
      assert.deepEqual(
        checkReceivers(c.env),
        { critical: c.critical, warning: c.warning, heartbeat: c.heartbeat },
        c.name,
      );
    }
  });

  it('refuses everything else with a message that names the variable and never shows a secret', () => {
    for (const c of INVALID) {
      assert.throws(
        () => checkReceivers(c.env),
        (err: unknown) => {
          assert.ok(err instanceof ReceiverError, c.name);
          assert.ok(err.message.startsWith(c.message), `${c.name}: ${err.message}`);
          for (const value of Object.values(c.env)) {
            if (value.length > 8 && !/\.(invalid|example\.com)\b/.test(value))
              assert.ok(!err.message.includes(value), `${c.name}: value shown`);
          }
          return true;
        },
      );
    }
  });
});

describe('reading Alertmanager', () => {
  // The shape Alertmanager 0.25 reports in /api/v2/status config.original (its own re-marshalled YAML).
  const original = [
    'global:',
    '  resolve_timeout: 5m',
    'route:',
    '  receiver: warning',
    'receivers:',
    '- name: critical',
    '  pagerduty_configs:',
    '  - send_resolved: true',
    '    routing_key: <secret>',
    '  slack_configs:',
    '  - api_url: <secret>',
    '- name: warning',
    '  webhook_configs:',
    '  - url: <secret>',
    '- name: heartbeat',
    'templates:',
    '- /etc/alertmanager/templates/*.tmpl',
    '',
  ].join('\n');

  it('finds each receiver and its integrations in the reported config', () => {
    assert.deepEqual(
      [...receiverIntegrations(original)],
      [
        ['critical', ['pagerduty', 'slack']],
        ['warning', ['webhook']],
        ['heartbeat', []],
      ],
    );
  });

  it('sums notification attempts and failures per integration, per request when available', () => {
    const exposition = [
      '# HELP alertmanager_notification_requests_total x',
      'alertmanager_notification_requests_total{integration="webhook"} 5',
      'alertmanager_notification_requests_failed_total{integration="webhook"} 2',
      'alertmanager_notification_requests_total{integration="slack"} 1',
      'alertmanager_notification_requests_failed_total{integration="slack"} 0',
      'alertmanager_notifications_total{integration="webhook"} 3',
      'alertmanager_notifications_failed_total{integration="webhook"} 1',
    ].join('\n');
    const counters = notificationCounters(exposition);
    assert.deepEqual(counters.get('webhook'), { sent: 5, failed: 2 });
    assert.deepEqual(counters.get('slack'), { sent: 1, failed: 0 });
    const older = notificationCounters(
      'alertmanager_notifications_total{integration="email"} 4\nalertmanager_notifications_failed_total{integration="email"} 4\n',
    );
    assert.deepEqual(older.get('email'), { sent: 4, failed: 4 });
  });

  it('judges an integration by what changed: a success, only failures, or nothing yet', () => {
    const before = new Map([['webhook', { sent: 5, failed: 2 }]]);
    const at = (sent: number, failed: number) => new Map([['webhook', { sent, failed }]]);
    assert.equal(outcome('webhook', before, at(6, 2)).result, 'accepted');
    assert.equal(outcome('webhook', before, at(8, 5)).result, 'refused');
    assert.equal(
      outcome('webhook', before, at(8, 4)).result,
      'accepted',
      'after failed attempts, one got through',
    );
    assert.equal(outcome('webhook', before, before).result, 'no attempt');
    assert.equal(outcome('slack', before, before).result, 'no attempt', 'an integration never used yet');
  });
});
