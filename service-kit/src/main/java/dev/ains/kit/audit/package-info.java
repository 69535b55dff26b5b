/** The audit log: every state-changing request, who made it, from where, and what was answered (#12). */
package dev.ains.kit.audit;
