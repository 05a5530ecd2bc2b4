'use strict';
// Prints the functions with the most self time in a V8 .cpuprofile (from node --cpu-prof).
// Usage: node bench/profile-summary.js FILE.cpuprofile [count]
const fs = require('node:fs');

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [count]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const samplesPerNode = new Map();
for (const id of profile.samples) samplesPerNode.set(id, (samplesPerNode.get(id) || 0) + 1);
const totalMs = (profile.endTime - profile.startTime) / 1000;
const msPerSample = totalMs / profile.samples.length;

const selfByFunction = new Map();
for (const [id, samples] of samplesPerNode) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const shortUrl = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(/^.*\/dist\//, 'dist/');
  const key = `${functionName || '(anonymous)'} ${shortUrl}${url ? `:${lineNumber + 1}` : ''}`;
  selfByFunction.set(key, (selfByFunction.get(key) || 0) + samples);
}
const busy = profile.samples.length - [...samplesPerNode].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((sum, [, n]) => sum + n, 0);
console.log(`${file}: ${totalMs.toFixed(0)} ms profiled, ${((busy / profile.samples.length) * 100).toFixed(0)} % not idle`);
console.log('| self ms | % of busy | function |\n| ---: | ---: | --- |');
const top = [...selfByFunction].filter(([key]) => !key.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(countArg || 20));
for (const [key, samples] of top) {
  console.log(`| ${(samples * msPerSample).toFixed(0)} | ${((samples / busy) * 100).toFixed(1)} | \`${key}\` |`);
}

// Self time summed per package or dist/ folder, which shows where the time goes overall.
const byPackage = new Map();
for (const [key, samples] of selfByFunction) {
  const location = key.split(' ').slice(1).join(' ');
  const match = /^~\/((?:@[^/]+\/)?[^/]+)|^dist\/([^/]+)|^node:([a-z_]+)/.exec(location);
  let group = location ? 'other' : key.split(' ')[0];
  if (match) group = match[1] || (match[2] ? `dist/${match[2]}` : `node:${match[3]}`);
  byPackage.set(group, (byPackage.get(group) || 0) + samples);
}
console.log('\n| self ms | % of busy | package or folder |\n| ---: | ---: | --- |');
for (const [group, samples] of [...byPackage].filter(([group]) => group !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`| ${(samples * msPerSample).toFixed(0)} | ${((samples / busy) * 100).toFixed(1)} | ${group} |`);
}

// Total (inclusive) time of the product's own functions: samples whose stack passes through
// them, each function counted once per sample.
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children || []) parentOf.set(child, node.id);
const totalByFunction = new Map();
for (const [id, samples] of samplesPerNode) {
  const seen = new Set();
  for (let current = id; current !== undefined; current = parentOf.get(current)) {
    const { functionName, url, lineNumber } = byId.get(current).callFrame;
    if (!url.includes('/dist/') || url.includes('/node_modules/')) continue;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    totalByFunction.set(key, (totalByFunction.get(key) || 0) + samples);
  }
}
console.log('\n| total ms | % of busy | product function (dist/) |\n| ---: | ---: | --- |');
for (const [key, samples] of [...totalByFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg || 20))) {
  console.log(`| ${(samples * msPerSample).toFixed(0)} | ${((samples / busy) * 100).toFixed(1)} | \`${key}\` |`);
}
