"""The product's brain: catalogue, analysis data, import, sessions, aggregation, reports and storage.

Nothing in this package imports streamlit, so all of it can be tested and scripted without a browser.
"""
