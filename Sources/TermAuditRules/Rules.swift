import TermAudit
