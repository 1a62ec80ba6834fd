"""Network workflows: /opschalen (bestuur), code rood, the partner poll (/peiling), the stale-case digest."""
