# The brand accent (static/legwork.css --accent): the manifest's theme colour and the icons' background.
THEME = "#1f5f8b"
