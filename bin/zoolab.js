#!/usr/bin/env node
// The `zoolab` command line. The TypeScript sources are built into out/ by `npm install` (prepare).
require('../out/main/cli.js');
