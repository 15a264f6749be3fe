"""hotich: digitise civil-status books (sổ hộ tịch) and reconcile them with the population registry."""
