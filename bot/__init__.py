"""ketenbot: chat-ops for the partner network of a Zorg- en Veiligheidshuis."""
