import com.google.genai.Client

fun main() {
    val client = Client()
    val response = client.models.generateContent("gemini-2.5-flash", "Name three rivers.", null)
    println(response.text())
}
