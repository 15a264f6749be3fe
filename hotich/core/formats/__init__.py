"""Display formats per language (Django's FORMAT_MODULE_PATH): Vietnamese number grouping
and dd/mm/yyyy dates, in every language of the interface."""
