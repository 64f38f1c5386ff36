// The tcpdump filter for the traffic of one local TCP port on the loopback interface. Both ends
// must be 127.0.0.1: other programs' loopback traffic (127.0.0.x) may reuse the port number.
export const ownLoopbackTraffic = (port: number): string[] => [
  'tcp',
  'port',
  String(port),
  'and',
  'src',
  'host',
  '127.0.0.1',
  'and',
  'dst',
  'host',
  '127.0.0.1',
];
