#!/usr/bin/env node
/**
 * Readiness probe for the broker started by start.sh: asks the broker for its topics with
 * @confluentinc/kafka-javascript (the client the service uses) until it answers, the process dies,
 * or the timeout passes. A KRaft node answers metadata requests only once its broker has registered
 * with the controller, so an answer means broker and controller are up.
 * Usage: wait-ready.js <host:port> <pid> <timeoutSeconds> <logFile>
 * Plain JavaScript so it runs before anything is compiled.
 */
'use strict';
const { Kafka, logLevel } = require('@confluentinc/kafka-javascript').KafkaJS;
const { readFileSync } = require('node:fs');

const [broker, pidArg, timeoutArg, logFile] = process.argv.slice(2);
const pid = Number(pidArg);
const deadline = Date.now() + Number(timeoutArg || 60) * 1000;

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

async function probeOnce() {
  const kafka = new Kafka({ kafkaJS: { clientId: 'trust-ready-probe', brokers: [broker], logLevel: logLevel.NOTHING } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics({ timeout: 2000 });
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

(async () => {
  let lastError = 'no answer yet';
  // Back off gently: each probe is a real request; waiting between them only paces the retries.
  let pause = 100;
  while (Date.now() < deadline) {
    if (pid && !alive(pid)) {
      console.error(`kafka (pid ${pid}) exited during startup; last log lines:\n${tail(logFile)}`);
      process.exit(1);
    }
    try {
      if (await probeOnce()) {
        process.exit(0);
      }
    } catch (e) {
      lastError = e && e.message ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 1000);
  }
  console.error(`kafka at ${broker} not ready after ${timeoutArg}s (${lastError}); last log lines:\n${tail(logFile)}`);
  process.exit(1);
})();
