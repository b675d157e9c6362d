// Traffic and health dashboard, first row: are the agents, their shared state and the scrapes up?

import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { UP_DOWN, type Item } from './layout.js';
import { statPanel, timeseriesPanel } from './panels.js';

export function availabilityPanels(): Item[] {
  return [
    new RowBuilder('Availability'),
    statPanel({
      title: 'Agents up',
      description:
        'Agent replicas Prometheus scraped successfully on their last attempt. 0 means no agent answers: calls fail (AgentDown, critical).',
      unit: units.Short,
      greenFrom: 1,
      queries: [{ expr: 'sum(up{job="swml-agent"})', legend: 'up' }],
    }),
    statPanel({
      title: 'Agents discovered',
      description:
        'Agent replicas Prometheus found through DNS discovery of the compose service `agent`. Higher than "Agents up" means some replicas do not answer (AgentDown, warning).',
      unit: units.Short,
      queries: [{ expr: 'count(up{job="swml-agent"})', legend: 'discovered' }],
    }),
    statPanel({
      title: 'Shared state (Redis)',
      description:
        'Whether every replica reaches its shared state (swml_shared_state_up; process memory is always up). DOWN: secure tools are refused and limits are not applied (SharedStateDown).',
      unit: units.NoUnit,
      greenFrom: 1,
      mappings: UP_DOWN,
      queries: [{ expr: 'min(swml_shared_state_up)', legend: 'shared state' }],
    }),
    statPanel({
      title: 'Version',
      description:
        'swml-guard and Node.js versions the replicas run. More than one line during a rolling update only.',
      unit: units.NoUnit,
      showName: true,
      queries: [
        {
          expr: 'count by (version, node_version) (swml_build_info)',
          legend: 'swml-guard {{version}} on Node {{node_version}}',
        },
      ],
    }),
    timeseriesPanel({
      title: 'Scrape targets up',
      description:
        'Each scraped target (agent replicas, Prometheus, Alertmanager): 1 when the last scrape worked, 0 when it failed.',
      unit: units.NoUnit,
      width: 24,
      height: 6,
      queries: [{ expr: 'up{job=~"swml-agent|prometheus|alertmanager"}', legend: '{{job}} {{instance}}' }],
    }).max(1),
  ];
}
