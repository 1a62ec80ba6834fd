"""Cases: /casus (people, plan, log), /regie, /actie, /mijn, and the words of households, groups, tracks."""
