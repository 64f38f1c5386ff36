// A node:test reporter that only collects skipped tests (name, file, reason), one JSON line each,
// for run-tests.js to list at the end of the run: a test that did not run must never go unseen.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.skip !== undefined) {
      const reason = typeof event.data.skip === 'string' ? event.data.skip : 'skipped';
      yield JSON.stringify({ name: event.data.name, file: event.data.file ?? '', reason }) + '\n';
    }
  }
}
