# The brand's colours as a phone sees them (static/legwork.css, light): the accent, behind the
# full-bleed icons; the top bar (`--surface`), the manifest's theme colour, as base.html's light
# theme-color; the page (`--bg`), behind the splash screen while the app starts.
ACCENT = "#1b5e58"
THEME = "#ffffff"
BACKGROUND = "#f7f5f0"
