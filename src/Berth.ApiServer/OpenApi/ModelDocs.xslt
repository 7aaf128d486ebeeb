<?xml version="1.0" encoding="utf-8"?>
<!--
  Reduces KubernetesClient.xml (25 MB of API docs) to the summaries of the k8s.Models types and properties,
  which are the Kubernetes field descriptions. Output: a "#M:<member>" line followed by the raw summary text.
  ModelDocs.cs parses it; line breaks inside a summary are re-joined there.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="utf-8"/>
  <xsl:template match="/">
    <xsl:for-each select="doc/members/member[starts-with(@name,'T:k8s.Models.') or starts-with(@name,'P:k8s.Models.')]">
      <xsl:text>&#10;#M:</xsl:text>
      <xsl:value-of select="substring(@name, 14)"/>
      <xsl:text>&#10;</xsl:text>
      <xsl:value-of select="summary"/>
    </xsl:for-each>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>
</xsl:stylesheet>
