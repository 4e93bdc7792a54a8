"""The writers: a document's blocks (or a report's tables) as DOCX, HTML, XLSX and CSV, and the charts they show.

They decide how a thing looks, never what a document says: Dutch proofing language, Dutch number notation, whole
numbers without decimals, money in euros, tables that keep their rows together. They import the block model
(``report/blocks.py``) and the documents' models, never the database.
"""
