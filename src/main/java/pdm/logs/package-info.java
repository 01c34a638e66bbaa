/** Log output: ECS JSON lines for machines, and shipping to Elasticsearch without ever blocking the copy. */
package pdm.logs;
