/**
 * A deterministic workflow file with `count` steps of every common kind, nested bodies included,
 * referencing each other through templates the way real workflows do.
 */
export function buildWorkflowFile(count: number): string {
  const lines = [
    'workflows:',
    '  - name: Benchmark',
    '    version: 1.0.0',
    '    inputs:',
    '      city: {type: string, default: Paris}',
    '    steps:',
  ];
  let made = 0;
  const step = (indent: string, body: string[]): void => {
    made += 1;
    lines.push(`${indent}- ${body[0]}`, ...body.slice(1).map((line) => `${indent}  ${line}`));
  };
  const action = (indent: string, id: string, previous: string | undefined): void =>
    step(indent, [
      `id: ${id}`,
      'type: action',
      'connector: connector:community/weather@1.0.0',
      'action: get_current_weather',
      'timeout: 30',
      'retry: {max_attempts: 3, backoff: exponential, backoff_factor: 2}',
      'input:',
      '  location: "{{ inputs.city }}"',
      `  previous: "{{ ${previous === undefined ? 'inputs.city' : `steps.${previous}.output.temperature`} }}"`,
      '  options: {units: metric, days: 3}',
    ]);
  let previous: string | undefined;
  for (let index = 0; made < count; index += 1) {
    const id = `step_${index}`;
    const pick = index % 10;
    if (pick === 7 && made + 3 <= count) {
      step('      ', [
        `id: ${id}`,
        'type: if',
        `condition: "{{ steps.${previous}.output.temperature > 20 }}"`,
        'then:',
      ]);
      action('          ', `${id}_hot`, previous);
      lines.push('        else:');
      action('          ', `${id}_cold`, previous);
    } else if (pick === 9 && made + 2 <= count) {
      step('      ', [
        `id: ${id}`,
        'type: forEach',
        `items: "{{ steps.${previous}.output.list }}"`,
        'maxConcurrency: 4',
        'steps:',
      ]);
      action('          ', `${id}_item`, undefined);
    } else if (pick === 5) {
      step('      ', [`id: ${id}`, 'type: wait', 'duration: 5s']);
    } else {
      action('      ', id, previous);
    }
    previous = id;
  }
  lines.push('    outputs:', `      last: {value: "{{ steps.${previous}.output }}"}`);
  return `${lines.join('\n')}\n`;
}
