// Every attack of the hostile-load suite, in the order they run.
import type { Attack } from './kit/result.js';
import { historyAttack } from './history.js';
import { roomsAttack, roomsCrowdAttack } from './rooms.js';
import { neverLoggedInAttack } from './never-logged-in.js';
import { metricsAttack } from './metrics-scrape.js';
import { slowSocketsAttack } from './slow-sockets.js';
import { shutdownAttack } from './shutdown.js';
import { textAttack } from './text-samples.js';

export const ATTACKS: Attack[] = [
  historyAttack,
  roomsAttack,
  roomsCrowdAttack,
  neverLoggedInAttack,
  metricsAttack,
  slowSocketsAttack,
  shutdownAttack,
  textAttack,
];
