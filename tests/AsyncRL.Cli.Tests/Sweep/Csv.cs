using System.Text;

namespace AsyncRL.Cli.Tests.Sweep;

/// <summary>A strict RFC 4180 reader for the tests: CRLF records, quoted fields with doubled quotes.</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException("unterminated quoted field");
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else field.Append(text[i++]);
                }
                continue;
            }
            if (text[i] == ',') { record.Add(field.ToString()); field.Clear(); i++; continue; }
            if (text[i] == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n') throw new FormatException($"bare CR at {i}");
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i += 2;
                continue;
            }
            if (text[i] == '\n') throw new FormatException($"bare LF at {i}: records end with CRLF");
            if (text[i] == '"') throw new FormatException($"quote inside an unquoted field at {i}");
            field.Append(text[i++]);
        }
        if (field.Length > 0 || record.Count > 0) throw new FormatException("the last record lacks its CRLF");
        return records;
    }
}
