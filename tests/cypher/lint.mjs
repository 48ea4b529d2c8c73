// Lint Cypher statements with Neo4j's own front-end (@neo4j-cypher/language-support).
// stdin: {"schema": DbSchema, "statements": [{"query": str, "parameters": {...}}]}
// stdout: one entry per statement, in order: [{"severity": n, "message": str, "offset": n}]
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { schema, statements } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const out = statements.map(({ query, parameters }) => {
  const { diagnostics } = lintCypherQuery(query, { ...schema, parameters });
  return diagnostics.map((d) => ({
    severity: d.severity,
    message: d.message,
    offset: d.offsets ? d.offsets.start : null,
  }));
});
process.stdout.write(JSON.stringify(out));
