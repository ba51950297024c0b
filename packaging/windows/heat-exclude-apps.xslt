<?xml version="1.0" encoding="utf-8"?>
<!-- heat harvests the whole staged folder for the QtRuntime group; the three executables and the
     icon have their own components in manifold.wxs, so they are dropped here. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:output method="xml" indent="yes"/>
  <xsl:key name="apps" match="wix:Component[wix:File[contains(@Source, '\manifold.exe') or
                                contains(@Source, '\manifold-shim.exe') or
                                contains(@Source, '\manifoldctl.exe') or
                                contains(@Source, '\manifold.ico')]]" use="@Id"/>
  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
  </xsl:template>
  <xsl:template match="wix:Component[key('apps', @Id)]"/>
  <xsl:template match="wix:ComponentRef[key('apps', @Id)]"/>
</xsl:stylesheet>
