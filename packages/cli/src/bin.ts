#!/usr/bin/env node
import { LogferryError } from '@logferry/core';
import { main } from './cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(error instanceof LogferryError ? `${error.code}: ${error.message}` : error.message);
    process.exitCode = 2;
  },
);
