// The scripted provider's conversation for running offline (spec/agents-execution.md, "The scripted
// provider"): read the issue, label and assign it, answer with the output schema. Shared by
// `src/offline-script.ts` (the example's own runtime) and `openworkflow.config.mjs` (`openworkflow run`).
export const OFFLINE_SCRIPT = [
  {
    toolCalls: [
      {
        tool: 'mcp_get_issue',
        arguments: {
          issueUrl: 'https://github.example/acme/app/issues/42',
        },
      },
    ],
  },
  {
    toolCalls: [
      {
        tool: 'mcp_add_labels',
        arguments: {
          issueUrl: 'https://github.example/acme/app/issues/42',
          labels: ['bug', 'crash'],
        },
      },
      {
        tool: 'mcp_assign_issue',
        arguments: {
          issueUrl: 'https://github.example/acme/app/issues/42',
          assignee: 'mobile-team',
        },
      },
    ],
  },
  {
    text: '{"category": "bug", "priority": "high", "assignee": "mobile-team"}',
  },
];
