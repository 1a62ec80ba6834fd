"""What may be shown where: the one place that decides how case data appears in a chat."""
