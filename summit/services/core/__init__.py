"""What every area uses and that knows no area: errors, audit, mail, jobs, uploads, names, money,
validation, calendar, fonts."""
