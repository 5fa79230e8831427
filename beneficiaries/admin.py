# People's records are managed through the application's own pages, which
# scope and trace every access; they are deliberately absent from the Django
# admin, which would bypass both.
