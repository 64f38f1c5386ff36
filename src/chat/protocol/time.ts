// Times in the workerman dialects: PHP's date('Y-m-d H:i:s') in the server's local time zone.
// (The original seed server dropped the hour from `say` times; wirechat always writes all of it.)

const pad = (n: number): string => (n < 10 ? '0' + n : String(n));

export function formatPhpTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}
