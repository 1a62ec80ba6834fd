"""Network workflows: opschaling naar bestuur, the partner poll, informatieverzoeken."""
