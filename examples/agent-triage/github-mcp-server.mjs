// A small GitHub-like MCP server for the example (stdio). It knows a few issues and records the
// labels and assignees it is given; `TRIAGE_LOG` (optional) receives one JSON line per change.
import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const issues = {
  42: {
    number: 42,
    title: 'App crashes on start after update',
    body: 'Since 3.2 the Android app crashes at launch. Stack trace: NullPointerException in Splash.',
    author: 'dana',
  },
  7: { number: 7, title: 'Add dark mode', body: 'It would be nice to have a dark theme.', author: 'lee' },
};

function numberOf(issueUrl) {
  const match = /\/issues\/(\d+)$/.exec(issueUrl);
  return match ? Number(match[1]) : undefined;
}

function record(change) {
  if (process.env.TRIAGE_LOG) appendFileSync(process.env.TRIAGE_LOG, `${JSON.stringify(change)}\n`);
}

const server = new McpServer({ name: 'github-example', version: '0.4.1' });

server.registerTool(
  'get_issue',
  { description: 'Reads a GitHub issue by URL', inputSchema: { issueUrl: z.string() } },
  async ({ issueUrl }) => {
    const issue = issues[numberOf(issueUrl)];
    if (!issue) return { content: [{ type: 'text', text: `No issue at ${issueUrl}` }], isError: true };
    return { content: [{ type: 'text', text: JSON.stringify(issue) }] };
  },
);

server.registerTool(
  'add_labels',
  {
    description: 'Adds labels to an issue',
    inputSchema: { issueUrl: z.string(), labels: z.array(z.string()) },
  },
  async ({ issueUrl, labels }) => {
    record({ action: 'add_labels', issue: numberOf(issueUrl), labels });
    return { content: [{ type: 'text', text: JSON.stringify({ ok: true, labels }) }] };
  },
);

server.registerTool(
  'assign_issue',
  {
    description: 'Assigns an issue to a user or team',
    inputSchema: { issueUrl: z.string(), assignee: z.string() },
  },
  async ({ issueUrl, assignee }) => {
    record({ action: 'assign_issue', issue: numberOf(issueUrl), assignee });
    return { content: [{ type: 'text', text: JSON.stringify({ ok: true, assignee }) }] };
  },
);

await server.connect(new StdioServerTransport());
