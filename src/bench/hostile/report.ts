// The suite's results as a markdown table (stdout), one row per measurement, the goal and
// whether it was met beside it.
import type { AttackResult } from './kit/result.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function formatMarkdown(results: AttackResult[], heading: string): string {
  const lines = [`## ${heading}`, '', '| attack | measure | result | goal | met |', '|---|---|---|---|---|'];
  for (const r of results) {
    for (const row of r.rows) {
      const met = row.pass === undefined ? '' : row.pass ? 'pass' : '**fail**';
      lines.push(
        `| ${r.attack} | ${cell(row.measure)} | ${cell(row.value)} | ${cell(row.goal ?? '')} | ${met} |`,
      );
    }
  }
  const goals = results.flatMap((r) => r.rows).filter((row) => row.pass !== undefined);
  const met = goals.filter((row) => row.pass).length;
  lines.push('', `${met} of ${goals.length} goals met.`);
  return lines.join('\n') + '\n';
}
