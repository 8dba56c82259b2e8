<?xml version="1.0" encoding="UTF-8"?>
<!-- feedmaker: how an Atom or RSS feed reads when opened in a browser. Readers ignore it and get
     the same feed. Applied by the browser (static hosting), or by feedmaker's server for a
     browser's page load (Chromium is removing XSLT). Only text is copied out of the feed: no
     entry HTML, no disable-output-escaping. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:a="http://www.w3.org/2005/Atom" exclude-result-prefixes="a">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>
  <xsl:param name="index" select="''"/>
  <xsl:variable name="title" select="/a:feed/a:title | /rss/channel/title"/>
  <xsl:variable name="self" select="(/a:feed/a:link[@rel='self']/@href | /rss/channel/a:link[@rel='self']/@href)[1]"/>
  <xsl:variable name="home" select="(/a:feed/a:link[@rel='alternate']/@href | /rss/channel/link)[1]"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:1.5em auto;padding:0 1em;color:#222}
          .hint{background:#eef5ff;border:1px solid #bcd;border-radius:.4em;padding:.6em .9em}
          .hint code{display:block;word-break:break-all;background:#fff;padding:.3em;margin-top:.3em;user-select:all}
          article{border-bottom:1px solid #ddd;padding:.6em 0}
          h2{font-size:1.1em;margin:0}
          .when{color:#666;font-size:.85em}
          p.summary{margin:.3em 0 0}
          a{color:#0645ad}
        </style>
      </head>
      <body>
        <xsl:if test="$index != ''">
          <nav><a href="{$index}">All feeds</a></nav>
        </xsl:if>
        <h1><xsl:value-of select="$title"/></h1>
        <p class="hint">This is a feed. To follow it, copy this URL into your feed reader:
          <code><xsl:value-of select="$self"/></code></p>
        <p>Mirrors <a href="{$home}"><xsl:value-of select="$home"/></a>.
          <xsl:value-of select="count(/a:feed/a:entry | /rss/channel/item)"/>
          <xsl:choose>
            <xsl:when test="count(/a:feed/a:entry | /rss/channel/item) = 1"> entry.</xsl:when>
            <xsl:otherwise> entries.</xsl:otherwise>
          </xsl:choose>
        </p>
        <xsl:apply-templates select="/a:feed/a:entry | /rss/channel/item"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="a:entry">
    <article>
      <h2><a href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a></h2>
      <div class="when"><xsl:value-of select="substring(a:published, 1, 10)"/>
        <xsl:for-each select="a:author"> · <xsl:value-of select="a:name"/></xsl:for-each></div>
      <xsl:if test="a:summary"><p class="summary"><xsl:value-of select="a:summary"/></p></xsl:if>
    </article>
  </xsl:template>

  <xsl:template match="item">
    <article>
      <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <div class="when"><xsl:value-of select="substring(pubDate, 6, 11)"/></div>
    </article>
  </xsl:template>
</xsl:stylesheet>
