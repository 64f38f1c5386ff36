// Rooms in /metrics. A room's name is all it takes to join it and read its history, and a scrape
// endpoint is often reachable by more people than the chat's rooms are meant for, so by default
// rooms are only counted, in buckets of size; their names appear only when the operator asks
// (`--metrics-room-names`), and then for the largest 100 only.

/** Upper bounds of the size buckets, with their labels: the last one is open. */
const BUCKETS: [number, string][] = [
  [1, '1'],
  [10, '2-10'],
  [100, '11-100'],
  [Infinity, '101+'],
];

export type MetricFamily = [name: string, type: string, help: string, samples: [string, number][]];

/** Escapes a label value as the exposition format requires. */
export const labelValue = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Rooms per size bucket, rooms with users and users in rooms, from every room's size. */
export function roomCountFamilies(sizes: Iterable<number>): MetricFamily[] {
  const counts = BUCKETS.map(() => 0);
  let rooms = 0;
  let users = 0;
  for (const size of sizes) {
    if (size < 1) continue;
    rooms++;
    users += size;
    counts[BUCKETS.findIndex(([max]) => size <= max)]!++;
  }
  return [
    [
      'wirechat_rooms',
      'gauge',
      'Rooms with users, by how many users they hold (whole cluster in Redis mode).',
      BUCKETS.map(([, label], i) => [`{users="${label}"}`, counts[i]!]),
    ],
    ['wirechat_rooms_occupied', 'gauge', 'Rooms with at least one user.', [['', rooms]]],
    ['wirechat_users_in_rooms', 'gauge', 'Users logged in to a room.', [['', users]]],
  ];
}

/** Users per named room: only with --metrics-room-names. */
export function roomNameFamily(roomUsers: [string, number][]): MetricFamily {
  return [
    'wirechat_room_users',
    'gauge',
    'Users logged in per room (whole cluster in Redis mode; the largest 100 rooms).',
    roomUsers.map(([room, n]) => [`{room="${labelValue(room)}"}`, n]),
  ];
}
