// Worker bootstrap: plain JS so that `new Worker()` can start it under jest and under tsx alike;
// tsx's require hook then compiles worker.ts and the modules it imports.
'use strict';
require('tsx/cjs');
require('./worker.ts');
