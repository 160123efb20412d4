import t from 'tap';
import { x } from '../src/index.js';
t.equal(x, 1);
