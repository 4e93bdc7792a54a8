"""Comparison with similar municipalities (issue 29): where a municipality stands among its peers.

A whole-country 47013NED download and a population file are imported as comparison data beside a trajectory's
own figures (`reader` → `store`); `groups` holds the stated rules (CBS size classes, degree of urbanisation,
the pooled group rate, the verdict); `compute` answers "how does this municipality compare in year Y", for
the command line (`cli`), the analysis pages (`ivp_core.analysis.overview_page`) and the documents.
"""
